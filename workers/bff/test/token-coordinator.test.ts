// MyBFF's opt-in token coordinator (a Durable Object) in Miniflare, with several
// MyBFF isolates, and another Worker, bound to it and to one KV namespace, counted at cognito-local.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type LocalNetwork, type LocalNetworkOptions, startLocalNetwork } from "#test/support/local-network.ts";

let network: LocalNetwork | undefined;
const folders: string[] = [];
afterEach(async () => {
  await network?.dispose();
  network = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function start(options: LocalNetworkOptions): Promise<LocalNetwork> {
  await network?.dispose();
  network = await startLocalNetwork(options);
  return network;
}

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "coordinator-test-"));
  folders.push(folder);
  return folder;
}

/** 200s among the answers, each with five days. */
async function forecasts(responses: Response[]): Promise<number> {
  const bodies = await Promise.all(responses.map((r) => r.json() as Promise<unknown>));
  return responses.filter((r, i) => r.status === 200 && Array.isArray(bodies[i]) && (bodies[i] as unknown[]).length === 5).length;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("the token coordinator", () => {
  it("gives isolates that start cold together exactly one token request", async () => {
    const net = await start({ bffCount: 4, coordinator: "on" });
    // Each isolate's first request at the same moment: all find KV empty, and with KV
    // alone each would request its own token.
    const first = await Promise.all([1, 2, 3, 4].map((i) => net.bff(i).fetch("/weatherforecast")));
    expect(await forecasts(first)).toBe(4);
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => net.bff(1 + (i % 4)).fetch("/weatherforecast")));
    expect(await forecasts(responses)).toBe(200);
    expect(await net.tokenRequests()).toBe(1);
    // Later isolates and requests: memory and KV, and the coordinator's token.
    for (let i = 1; i <= 4; i++) expect((await net.bff(i).fetch("/weatherforecast")).status).toBe(200);
    expect(await net.tokenRequests()).toBe(1);
  });

  it("keeps isolates working on their own token requests when the coordinator fails", async () => {
    const net = await start({ bffCount: 2, coordinator: "broken" });
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => net.bff(1 + (i % 2)).fetch("/weatherforecast")));
    expect(await forecasts(responses)).toBe(20);
    const requests = await net.tokenRequests();
    expect(requests).toBeGreaterThanOrEqual(1);
    expect(requests).toBeLessThanOrEqual(2); // at most one per isolate, as without a coordinator
    expect(net.logs.some((line) => line.includes('"event":"token_coordinator_failed"'))).toBe(true);
  });

  it("holds no plaintext token in its storage", async () => {
    const persistTo = tempFolder();
    const net = await start({ coordinator: "on", persistTo });
    expect((await net.bff().fetch("/weatherforecast")).status).toBe(200);
    expect(await net.tokenRequests()).toBe(1);
    await net.dispose();
    network = undefined;
    const stored = filesUnder(join(persistTo, "do"));
    expect(stored.length).toBeGreaterThan(0);
    const bytes = stored.map((file) => readFileSync(file).toString("latin1")).join("\n");
    // The storage is there and holds the sealed value (v1.<iv>.<ciphertext>), and no
    // JWT (a header and a payload are base64url JSON objects, "eyJ...", joined by a dot).
    expect(bytes).toMatch(/v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{100,}/);
    expect(bytes).not.toMatch(/eyJ[\w-]*\.eyJ/);
  });

  it("loses nothing when turned on, then off again: the token in KV goes on being used", async () => {
    const persistTo = tempFolder();
    const off = await start({ bffCount: 2, persistTo });
    expect((await off.bff(1).fetch("/weatherforecast")).status).toBe(200);
    expect(await off.tokenRequests()).toBe(1);
    const kv = await off.tokenCache();
    await expect.poll(async () => (await kv.list()).keys.length, { timeout: 10_000 }).toBe(1);

    const on = await start({ bffCount: 2, coordinator: "on", persistTo });
    const withCoordinator = await Promise.all([1, 2, 1, 2].map((i) => on.bff(i).fetch("/weatherforecast")));
    expect(await forecasts(withCoordinator)).toBe(4);
    expect(await on.tokenRequests()).toBe(0);

    const offAgain = await start({ bffCount: 2, persistTo });
    expect((await offAgain.bff(2).fetch("/weatherforecast")).status).toBe(200);
    expect(await offAgain.tokenRequests()).toBe(0);
  });
});

describe("another Worker bound to the coordinator (issue 29, L2)", () => {
  /** The token's KV key, which the coordinator answers for: a reader of TOKEN_CACHE sees it. */
  async function storeKey(net: LocalNetwork): Promise<string> {
    const kv = await net.tokenCache();
    await expect.poll(async () => (await kv.list()).keys.length, { timeout: 10_000 }).toBe(1);
    return (await kv.list()).keys[0]!.name;
  }

  it("forces at most one token request per 10 s with 30 asks for a fresher token and 30 reports of the token", async () => {
    const net = await start({ coordinator: "on", coordinatorHolder: true });
    expect((await net.bff().fetch("/weatherforecast")).status).toBe(200);
    const key = await storeKey(net);
    let held = ((await net.askCoordinator({ key })).token as { accessToken: string }).accessToken;
    expect(await net.tokenRequests()).toBe(1);

    const started = Date.now();
    for (let ask = 0; ask < 30; ask++) {
      const fresher = await net.askCoordinator({ key, fresherThan: Date.now() });
      expect(fresher).toHaveProperty("token");
      const report = await net.askCoordinator({ key, refused: held });
      // Within 10 s of the last forced renewal, a report is answered as a fresh token refused.
      if ("token" in report) held = (report.token as { accessToken: string }).accessToken;
      else expect(report).toMatchObject({ failure: { code: "FRESH_TOKEN_REFUSED" } });
    }
    const elapsedMs = Date.now() - started;
    // The first forced renewal at once, then one per 10 s begun.
    expect(await net.tokenRequests()).toBeLessThanOrEqual(2 + Math.floor(elapsedMs / 10_000));
    // MyBFF goes on being served, with no token request of its own.
    const before = await net.tokenRequests();
    expect((await net.bff().fetch("/weatherforecast")).status).toBe(200);
    expect(await net.tokenRequests()).toBe(before);
  });

  it("refuses a fresherThan later than now plus the clock skew, with no token request", async () => {
    const net = await start({ coordinator: "on", coordinatorHolder: true });
    expect((await net.bff().fetch("/weatherforecast")).status).toBe(200);
    const key = await storeKey(net);
    for (const fresherThan of [9e15, Date.now() + 6 * 60_000]) {
      expect(await net.askCoordinator({ key, fresherThan })).toEqual({ error: expect.stringMatching(/fresherThan/) });
    }
    expect(await net.tokenRequests()).toBe(1);
  });
});
