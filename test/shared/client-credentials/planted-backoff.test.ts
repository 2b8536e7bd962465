// Someone who can write to the token's KV namespace but does not hold the client
// secret (an API token with KV write, another Worker bound to the namespace) plants
// a back-off record. It must not stop the cache: an unsealed record is not read, and
// even a sealed one that ends beyond the cap is refused and deleted. In workerd, with
// a real KV namespace and a fake token endpoint.
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ClientCredentialsTokenCache } from "../../../shared/client-credentials/client-credentials-token-cache";
import { SealedStore, tokenStoreKey } from "../../../shared/client-credentials/sealed-store";
import { captureConsole } from "../../workerd/captured-work";
import { FakeTokenEndpoint } from "../../workerd/fake-token-endpoint";

/** The cache's sealed store over the test namespace, to read and plant values as another isolate would. */
const sealedStore = () =>
  new SealedStore({ kv: kv(), clientSecret: SECRET, tokenKey: Promise.resolve(""), timeoutMs: 1_000, logger: () => {} });

const SECRET = "the-client-secret";
const ENDPOINT_URL = "https://auth.example.com/oauth2/token";
const SCOPES = ["MyService/weather_read"];
const kv = () => (env as unknown as { TEST_KV: KVNamespace }).TEST_KV;
/** The record of the review (issue 24, item 1): a configuration rejection that never ends. */
const PLANTED = { kind: "token_endpoint", code: "TOKEN_REQUEST_REJECTED", step: 1, until: 9e15, status: 400, oauthError: "invalid_client" };

let endpoint: FakeTokenEndpoint;
let clock: number;
let logs: string[];

function isolate(clientSecret = SECRET) {
  return new ClientCredentialsTokenCache({
    tokenEndpoint: ENDPOINT_URL,
    clientId: "mybff",
    clientSecret,
    scopes: SCOPES,
    kv: kv(),
    fetch: endpoint.fetch,
    retry: { baseDelayMs: 1 },
    now: () => clock,
  });
}

const hash = async () => (await tokenStoreKey(ENDPOINT_URL, "mybff", SCOPES, SECRET)).split("/").pop()!;

beforeEach(async () => {
  for (const { name } of (await kv().list()).keys) await kv().delete(name);
  endpoint = new FakeTokenEndpoint();
  clock = Date.now();
  logs = captureConsole();
});
afterEach(() => vi.restoreAllMocks());

describe("a back-off record planted without the secret", () => {
  it.each(["v1", "v2"])("under cc-backoff/%s/ stops no isolate: each cold one gets a token, over six hours", async (version) => {
    const key = `cc-backoff/${version}/${await hash()}`;
    await kv().put(key, JSON.stringify({ v: 1, ...PLANTED }));
    const start = clock;
    for (; clock < start + 6 * 3600_000; clock += 30 * 60_000) {
      // A cold isolate every half hour, and the token in KV running out each hour.
      await expect(isolate().getToken()).resolves.toMatch(/^token-/);
    }
    expect(endpoint.calls).toBeGreaterThanOrEqual(6);
    expect(endpoint.calls).toBeLessThanOrEqual(7);
  });

  it("sealed with another secret, is not honoured either", async () => {
    // Another client's cache writes a real record under its own secret; ours cannot open it.
    const other = isolate("another-secret");
    endpoint.behaviour = "invalid_client";
    await expect(other.getToken()).rejects.toMatchObject({ code: "TOKEN_REQUEST_REJECTED" });
    endpoint.behaviour = "ok";
    await expect(isolate().getToken()).resolves.toMatch(/^token-/);
  });
});

describe("a sealed back-off record", () => {
  const sealed = async (until: number) => sealedStore().put(`cc-backoff/v2/${await hash()}`, { ...PLANTED, until }, 60);

  it("that ends beyond now + the cap is refused, deleted and logged, and a token is fetched", async () => {
    await sealed(clock + 60_001);
    await expect(isolate().getToken()).resolves.toMatch(/^token-/);
    expect(endpoint.calls).toBe(1);
    expect(await kv().get(`cc-backoff/v2/${await hash()}`)).toBeNull();
    const refused = logs.map((line) => JSON.parse(line)).filter((line) => line.event === "token_backoff_refused");
    expect(refused).toMatchObject([{ level: "warn" }]);
  });

  it("within the cap costs at most that one back-off period", async () => {
    await sealed(clock + 60_000);
    await expect(isolate().getToken()).rejects.toMatchObject({ code: "TOKEN_REQUEST_REJECTED", retryAfterSeconds: 60 });
    clock += 60_000;
    await expect(isolate().getToken()).resolves.toMatch(/^token-/);
    expect(endpoint.calls).toBe(1);
  });
});
