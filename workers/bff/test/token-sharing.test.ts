// One Cognito token for every MyBFF isolate: several isolates (separate workers in
// one workerd) bound to one KV namespace, counted at cognito-local.
import { afterEach, describe, expect, it } from "vitest";
import { type LocalNetwork, startLocalNetwork } from "#test/support/local-network.ts";

let network: LocalNetwork | undefined;
afterEach(async () => {
  await network?.dispose();
  network = undefined;
});

async function okCount(responses: Response[]): Promise<number> {
  const bodies = await Promise.all(responses.map((r) => r.json() as Promise<unknown[]>));
  return responses.filter((r, i) => r.status === 200 && bodies[i]!.length === 5).length;
}

describe("token sharing between isolates", () => {
  it("spreads 1,000 requests over 4 isolates for one token request", async () => {
    network = await startLocalNetwork({ bffCount: 4 });
    expect((await network.bff(1).fetch("/weatherforecast")).status).toBe(200);
    // The other isolates start after the first write has landed (on a loaded machine a
    // KV write can outlast the cache's 1 s KV timeout and finish in the background).
    const kv = await network.tokenCache();
    await expect.poll(async () => (await kv.list()).keys.length, { timeout: 10_000 }).toBe(1);
    let ok = 0;
    for (let batch = 0; batch < 20; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => network!.bff(1 + ((batch * 50 + i) % 4)).fetch("/weatherforecast")),
      );
      ok += await okCount(responses);
    }
    expect(ok).toBe(1000);
    expect(await network.tokenRequests()).toBe(1);
  });

  it("makes at most one token request per isolate when all start cold at once", async () => {
    network = await startLocalNetwork({ bffCount: 3 });
    const responses = await Promise.all(Array.from({ length: 300 }, (_, i) => network!.bff(1 + (i % 3)).fetch("/weatherforecast")));
    expect(await okCount(responses)).toBe(300);
    const tokenRequests = await network.tokenRequests();
    expect(tokenRequests).toBeGreaterThanOrEqual(1);
    expect(tokenRequests).toBeLessThanOrEqual(3);
  });

  it("makes one token request for 200 concurrent requests on one cold isolate", async () => {
    network = await startLocalNetwork();
    const responses = await Promise.all(Array.from({ length: 200 }, () => network!.bff().fetch("/weatherforecast")));
    expect(await okCount(responses)).toBe(200);
    expect(await network.tokenRequests()).toBe(1);
  });
});
