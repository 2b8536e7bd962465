// MyBFF's token across a key rotation, and what an attacker who reads the KV
// namespace gets: nothing usable.
import { afterEach, describe, expect, it } from "vitest";
import { clientIdOf, DEV_SECRET } from "#test/support/cognito-local.ts";
import { type LocalNetwork, startLocalNetwork } from "#test/support/local-network.ts";

let network: LocalNetwork | undefined;
afterEach(async () => {
  await network?.dispose();
  network = undefined;
});

async function freshToken(net: LocalNetwork): Promise<string> {
  const pool = (await (await net.cognito("/_dev/pool")).json()) as { clients: Array<{ clientName: string; clientId: string }> };
  const response = await net.cognito("/oauth2/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientIdOf({ poolId: "", issuer: "", clients: pool.clients }, "MyBFF"),
      client_secret: DEV_SECRET,
    }).toString(),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

describe("key rotation with the old key dropped", () => {
  it("loses no BFF request: MyService's 401 makes the BFF fetch a new token once", async () => {
    network = await startLocalNetwork({ bffCount: 2 });
    expect((await network.bff(1).fetch("/weatherforecast")).status).toBe(200);
    expect((await network.bff(2).fetch("/weatherforecast")).status).toBe(200);
    expect(await network.tokenRequests()).toBe(1);

    await network.cognito("/_dev/keys/rotate?dropPrevious=true", { method: "POST" });
    // Another client's token, signed with the new key, makes MyService refetch its
    // keys and learn that the BFF's key is gone.
    const other = await freshToken(network);
    expect((await network.service("/weatherforecast", { headers: { Authorization: `Bearer ${other}` } })).status).toBe(200);

    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await network.bff(1 + (i % 2)).fetch("/weatherforecast")).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // The first BFF token, the test's own, then one new BFF token shared by both isolates through KV.
    expect(await network.tokenRequests()).toBe(3);
    expect(network.logs.some((line) => line.includes('"token_refused"'))).toBe(true);
  });
});

describe("what is in KV", () => {
  it("is not a token MyService accepts, and holds no secret", async () => {
    network = await startLocalNetwork();
    expect((await network.bff().fetch("/weatherforecast")).status).toBe(200);
    const kv = await network.tokenCache();
    const { keys } = await kv.list();
    expect(keys).toHaveLength(1);
    const value = (await kv.get(keys[0]!.name, "text"))!;
    expect(`${keys[0]!.name}${value}`).not.toContain(DEV_SECRET);
    // No JWT in the clear (its header and payload are base64url JSON objects, "eyJ...",
    // joined by a dot), and no part that decodes to JSON. Not a bare /eyJ/: ciphertext
    // in base64url holds those three characters somewhere in about one run in 200.
    expect(value).not.toMatch(/eyJ[\w-]*\.eyJ/);
    expect(value.split(".").filter(decodesToJson)).toEqual([]);
    for (const candidate of [value, ...value.split(".")]) {
      const response = await network.service("/weatherforecast", { headers: { Authorization: `Bearer ${candidate}` } });
      expect(response.status).toBe(401);
    }
  });
});

function decodesToJson(part: string): boolean {
  try {
    JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return true;
  } catch {
    return false;
  }
}
