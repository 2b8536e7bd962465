// The zero-downtime rotation of MyBFF's client secret (issue 25, item 4), walked
// through MyBFF against cognito-local on both token sources, as the README's procedure
// runs it: add a second secret to the app client, deploy MyBFF with the new secret
// (new isolates start with it while the old ones still serve with the old), then delete
// the old secret once only new isolates serve. No request fails, and the rotation costs
// at most one token request more than the same traffic without it.
//
// Why one more: the KV record is sealed with a key derived from the client secret, so a
// new isolate cannot open the record the old ones wrote; the KV key carries a short HMAC
// of the secret (issue 29, L3), so each generation finds its own record: the new one
// requests its own token (the one extra), which every later new isolate then reads from
// KV, and old and new isolates starting side by side (a gradual deployment) never
// overwrite each other's record.
import { afterAll, describe, expect, it } from "vitest";
import { DEV_CLIENT_ID } from "#scripts/dev-settings.mjs";
import { DEV_SECRET } from "#test/support/cognito-local.ts";
import { type LocalNetwork, startLocalNetwork } from "#test/support/local-network.ts";

/** A secret cognito-local accepts as AddUserPoolClientSecret's ClientSecret (24 to 64 of [\w+]). */
const NEW_SECRET = "RotatedMyBffSecret0123456789";
const OLD_ISOLATES = [1, 2];
const NEW_ISOLATES = [3, 4];
const SECRETS = `/_dev/clients/${DEV_CLIENT_ID}/secrets`;

const networks: LocalNetwork[] = [];
afterAll(async () => {
  for (const line of networks.flatMap((n) => n.logs)) {
    expect(line).not.toContain(DEV_SECRET);
    expect(line).not.toContain(NEW_SECRET);
  }
  await Promise.all(networks.map((n) => n.dispose()));
});

async function forecasts(net: LocalNetwork, isolates: number[], count: number, concurrent: boolean): Promise<number[]> {
  const call = async (i: number) => (await net.bff(isolates[i % isolates.length]).fetch("/weatherforecast")).status;
  if (concurrent) return Promise.all(Array.from({ length: count }, (_, i) => call(i)));
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push(await call(i));
  return statuses;
}

/** The same traffic with or without a rotation; returns every status and the token requests cognito-local served. */
async function walk(tokenSource: "token-endpoint" | "get-client-token", rotate: boolean) {
  const newSettings = { AUTH_SERVER_MYBFF_CLIENT_SECRET: rotate ? NEW_SECRET : DEV_SECRET };
  const net = await startLocalNetwork({
    tokenSource,
    bffCount: 4,
    // Isolates 3 and 4 are the new deployment: they read their settings on their first request.
    bffVarsOf: { 3: newSettings, 4: newSettings },
  });
  networks.push(net);
  const statuses: number[] = [];
  // Before: the old deployment serves.
  statuses.push(...(await forecasts(net, OLD_ISOLATES, 6, false)));
  let oldSecretId: string | undefined;
  if (rotate) {
    // 1. A second secret for the app client (AddUserPoolClientSecret); both now authenticate.
    const before = (await (await net.cognito(SECRETS)).json()) as { ClientSecrets: Array<{ ClientSecretId: string }> };
    expect(before.ClientSecrets).toHaveLength(1);
    oldSecretId = before.ClientSecrets[0]!.ClientSecretId;
    const added = await net.cognito(SECRETS, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ClientSecret: NEW_SECRET }),
    });
    expect(added.status).toBe(200);
  }
  // 2-3. The deploy: new isolates (the new secret) start while the old ones still serve.
  statuses.push(...(await forecasts(net, [1, 3, 2, 4], 8, false)));
  statuses.push(...(await forecasts(net, [...OLD_ISOLATES, ...NEW_ISOLATES], 20, true)));
  if (rotate) {
    // 4. Once only new isolates serve: delete the old secret (DeleteUserPoolClientSecret).
    expect((await net.cognito(`${SECRETS}/${oldSecretId}`, { method: "DELETE" })).status).toBe(200);
    const after = (await (await net.cognito(SECRETS)).json()) as { ClientSecrets: Array<{ ClientSecretId: string }> };
    expect(after.ClientSecrets.map((s) => s.ClientSecretId)).not.toContain(oldSecretId);
  }
  // After: the new deployment alone.
  statuses.push(...(await forecasts(net, NEW_ISOLATES, 20, true)));
  return { statuses, tokenRequests: await net.tokenRequests() };
}

describe.each(["token-endpoint", "get-client-token"] as const)("rotating MyBFF's client secret (%s)", (tokenSource) => {
  it("loses no request and costs at most one token request more than no rotation", async () => {
    const baseline = await walk(tokenSource, false);
    const rotation = await walk(tokenSource, true);
    expect(baseline.statuses).toEqual(Array(baseline.statuses.length).fill(200));
    expect(rotation.statuses).toEqual(Array(rotation.statuses.length).fill(200));
    // Without a rotation, one token serves both deployments (through KV).
    expect(baseline.tokenRequests).toBe(1);
    expect(rotation.tokenRequests).toBeLessThanOrEqual(baseline.tokenRequests + 1);
    // The rotation did cost the new deployment its own token: the old KV record does not open with the new secret.
    expect(rotation.tokenRequests).toBeGreaterThan(baseline.tokenRequests);
  });
});

/** A gradual deployment at 50 %: 12 cold isolates, old and new secret alternating, one after another, then again warm. */
async function interleaved(tokenSource: "token-endpoint" | "get-client-token") {
  const newSettings = { AUTH_SERVER_MYBFF_CLIENT_SECRET: NEW_SECRET };
  const isolates = Array.from({ length: 12 }, (_, i) => i + 1);
  const net = await startLocalNetwork({
    tokenSource,
    bffCount: isolates.length,
    bffVarsOf: Object.fromEntries(isolates.filter((i) => i % 2 === 0).map((i) => [i, newSettings])),
  });
  networks.push(net);
  const added = await net.cognito(SECRETS, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ClientSecret: NEW_SECRET }),
  });
  expect(added.status).toBe(200);
  const statuses = [...(await forecasts(net, isolates, 12, false)), ...(await forecasts(net, isolates, 12, false))];
  return { statuses, tokenRequests: await net.tokenRequests() };
}

describe.each(["token-endpoint", "get-client-token"] as const)("both generations side by side (%s, issue 29, L3)", (tokenSource) => {
  it("12 cold isolates alternating old and new secret cost one token request per generation", async () => {
    const { statuses, tokenRequests } = await interleaved(tokenSource);
    expect(statuses).toEqual(Array(statuses.length).fill(200));
    // Before L3: one per cold isolate (12), each generation overwriting the other's record.
    expect(tokenRequests).toBe(2);
  });
});
