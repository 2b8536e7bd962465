// Someone who can write to the token's KV namespace (no secret needed) plants a value
// of 24 MiB shaped like a sealed record under the token key and the back-off key
// (issue 29, L1). Each cold isolate would read, decode and try to open ~18 MiB of
// AES-GCM before knowing it does not open, and the back-off value was never deleted.
// A value longer than any sealed record can be is refused before it is decoded and
// deleted, and the token is obtained as if nothing were there. Real KV in workerd.
import { env } from "cloudflare:test";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { ClientCredentialsTokenCache } from "../../../shared/client-credentials/client-credentials-token-cache";
import { backOffKey, tokenStoreKey } from "../../../shared/client-credentials/sealed-store";
import { captureConsole } from "../../workerd/captured-work";
import { FakeTokenEndpoint } from "../../workerd/fake-token-endpoint";

const ENDPOINT_URL = "https://auth.example.com/oauth2/token";
const SCOPES = ["MyService/weather_read"];
const kv = () => (env as unknown as { TEST_KV: KVNamespace }).TEST_KV;
/** `v1.<16-character iv>.<base64url>`, 24 MiB: the shape of a sealed record, the size of none. */
const HUGE = `v1.AAAAAAAAAAAAAAAA.${"A".repeat(24 * 1024 * 1024 - 20)}`;

let endpoint: FakeTokenEndpoint;
let logs: string[];

const isolate = () =>
  new ClientCredentialsTokenCache({
    tokenEndpoint: ENDPOINT_URL,
    clientId: "mybff",
    clientSecret: "the-client-secret",
    scopes: SCOPES,
    kv: kv(),
    fetch: endpoint.fetch,
  });

beforeEach(async () => {
  for (const { name } of (await kv().list()).keys) await kv().delete(name);
  endpoint = new FakeTokenEndpoint();
  logs = captureConsole();
});
afterEach(() => vi.restoreAllMocks());

// Its own timeout: writing and reading 2 x 24 MiB through KV took over 5 s on a loaded 2-core machine.
it("a 24 MiB value under the token key and the back-off key is deleted after one cold read, and the token obtained", async () => {
  const tokenKey = await tokenStoreKey(ENDPOINT_URL, "mybff", SCOPES, "the-client-secret");
  await kv().put(tokenKey, HUGE);
  await kv().put(backOffKey(tokenKey), HUGE);

  await expect(isolate().getToken()).resolves.toMatch(/^token-/);
  expect(endpoint.calls).toBe(1);
  // Lengths, not values: a failure must not print 24 MiB.
  expect((await kv().get(backOffKey(tokenKey)))?.length).toBeUndefined();
  // The token key now holds the new token, sealed, a few hundred characters.
  expect((await kv().get(tokenKey))?.length).toBeLessThan(1_000);
  const refused = logs.map((line) => JSON.parse(line)).filter((line) => line.event === "token_cache_value_refused");
  expect(refused).toHaveLength(2);
  expect(refused[0]).toMatchObject({ level: "warn" });

  // The next cold isolate finds the token in KV: no request, nothing refused.
  await expect(isolate().getToken()).resolves.toMatch(/^token-/);
  expect(endpoint.calls).toBe(1);
}, 30_000);
