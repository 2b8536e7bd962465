// MyService's key set shared between its isolates through the location's Cache API:
// several MyService isolates (separate workers in one workerd, one cache between them)
// and cognito-local, key-set requests counted at cognito-local. Here, with the other
// multi-isolate tests, because the whole system runs in one Miniflare.
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from "jose";
import { Response as MiniflareResponse } from "miniflare";
import { afterEach, describe, expect, it } from "vitest";
import { DEV_CLIENT_ID, DEV_JWKS_SHARED_CACHE_SECRET, DEV_POOL_ID } from "#scripts/dev-settings.mjs";
import { DEV_SECRET } from "#test/support/cognito-local.ts";
import { type LocalNetwork, type LocalNetworkOptions, startLocalNetwork } from "#test/support/local-network.ts";
import { sealedEntry, sharedKeySetCacheKey } from "#test/support/shared-key-set-entry.ts";

const JWKS_URI = `http://127.0.0.1:8789/${DEV_POOL_ID}/.well-known/jwks.json`;
/** MyService's cache name (workers/service/src/verifier.ts). */
const CACHE_NAME = "edge-cc-auth:jwks";
const MINUTE_MS = 60_000;

let network: LocalNetwork | undefined;
afterEach(async () => {
  await network?.dispose();
  network = undefined;
});

async function start(options: LocalNetworkOptions): Promise<LocalNetwork> {
  network = await startLocalNetwork(options);
  return network;
}

async function accessToken(net: LocalNetwork): Promise<string> {
  const response = await net.cognito("/oauth2/token", {
    method: "POST",
    headers: {
      Authorization: `Basic ${btoa(`${DEV_CLIENT_ID}:${DEV_SECRET}`)}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials&scope=MyService%2Fweather_read",
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function jwksRequests(net: LocalNetwork): Promise<number> {
  return ((await (await net.cognito("/_dev/stats")).json()) as { jwksRequests: number }).jwksRequests;
}

async function weather(net: LocalNetwork, token: string, isolate: number): Promise<number> {
  const response = await net.service("/weatherforecast", { headers: { Authorization: `Bearer ${token}` } }, isolate);
  await response.body?.cancel();
  return response.status;
}

async function sharedCache(net: LocalNetwork) {
  return (await net.caches()).open(CACHE_NAME);
}

/** Puts an entry at the place MyService reads its copy from. */
async function plant(net: LocalNetwork, entry: object): Promise<void> {
  const key = await sharedKeySetCacheKey(JWKS_URI, DEV_JWKS_SHARED_CACHE_SECRET);
  // Miniflare's own Response: the cache proxy takes no other.
  await (await sharedCache(net)).put(key, new MiniflareResponse(JSON.stringify(entry), { headers: { "Cache-Control": "max-age=86400" } }));
}

describe("MyService's key set shared between isolates", () => {
  it("lets a second isolate verify a token with no key-set request", async () => {
    const net = await start({ serviceCount: 2 });
    const token = await accessToken(net);
    expect(await weather(net, token, 1)).toBe(200);
    const key = await sharedKeySetCacheKey(JWKS_URI, DEV_JWKS_SHARED_CACHE_SECRET);
    const cache = await sharedCache(net);
    await expect.poll(async () => (await cache.match(key)) !== undefined, { timeout: 10_000 }).toBe(true);
    const before = await jwksRequests(net);
    expect(await weather(net, token, 2)).toBe(200);
    expect((await jwksRequests(net)) - before).toBe(0);
  });

  it("with the key-set URL failing from its start, a new isolate answers 200 within the bound and 503 past it", async () => {
    const net = await start({ serviceCount: 3, jwksDownFor: [2, 3] });
    const token = await accessToken(net);
    const keySet = await (await net.cognito(`/${DEV_POOL_ID}/.well-known/jwks.json`)).text();
    // Copies an earlier isolate of MyService wrote 30 and 61 minutes ago (the bound is an hour).
    await plant(net, await sealedEntry(JWKS_URI, DEV_JWKS_SHARED_CACHE_SECRET, Date.now() - 30 * MINUTE_MS, keySet));
    expect(await weather(net, token, 2)).toBe(200);
    expect(net.logs.some((line) => line.includes("jwks_stale_shared_copy_used"))).toBe(true);

    await plant(net, await sealedEntry(JWKS_URI, DEV_JWKS_SHARED_CACHE_SECRET, Date.now() - 61 * MINUTE_MS, keySet));
    expect(await weather(net, token, 3)).toBe(503);
  });

  it("never trusts a planted key set: the attacker's token gets 401, or 503 while the URL fails", async () => {
    const net = await start({ serviceCount: 2, jwksDownFor: [2] });
    const genuine = await accessToken(net);
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const kid = decodeProtectedHeader(genuine).kid!; // the issuer's own kid, the attacker's key
    const keySet = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }] });
    // Written by another Worker of the zone, which does not hold MyService's secret.
    await plant(net, await sealedEntry(JWKS_URI, "another-workers-secret-0123456789abcdef", Date.now(), keySet));
    const forged = await new SignJWT(decodeJwt(genuine)).setProtectedHeader({ alg: "RS256", kid }).sign(privateKey);

    expect(await weather(net, forged, 2)).toBe(503);
    expect(net.logs.some((line) => line.includes("jwks_shared_copy_refused"))).toBe(true);
    // The isolate that reaches the URL refuses the token, and its own fetch replaces the planted copy.
    expect(await weather(net, forged, 1)).toBe(401);
    expect(await weather(net, genuine, 1)).toBe(200);
  });
});
