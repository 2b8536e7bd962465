// The token cache's failure memory: after a failed token request, or a fresh token
// the resource server refused, no new token request until the back-off ends, in
// this isolate and in the others that share its KV namespace. Exact counts at a
// fake token endpoint, on a clock the test moves.
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ClientCredentialsTokenCache } from "../../../shared/client-credentials/client-credentials-token-cache";
import { backOffKey, parseBackOffRecord, SealedStore, tokenStoreKey } from "../../../shared/client-credentials/sealed-store";
import { backOffDelayMs, isConfigurationRejection } from "../../../shared/client-credentials/token-backoff";
import type { ClientCredentialsTokenCacheOptions } from "../../../shared/client-credentials/token-cache-options";
import { ConfigError, TokenRequestError } from "../../../shared/errors";
import { captureConsole } from "../../workerd/captured-work";
import { brokenKv, FakeTokenEndpoint } from "../../workerd/fake-token-endpoint";

/** The cache's sealed store over the test namespace, to read and plant values as another isolate would. */
const sealedStore = () =>
  new SealedStore({ kv: kv(), clientSecret: SECRET, tokenKey: Promise.resolve(""), timeoutMs: 1_000, logger: () => {} });

const SECRET = "the-client-secret";
const ENDPOINT_URL = "https://auth.example.com/oauth2/token";
const kv = () => (env as unknown as { TEST_KV: KVNamespace }).TEST_KV;

let endpoint: FakeTokenEndpoint;
let clock: number;
let logs: string[];

function isolate(extra: Partial<ClientCredentialsTokenCacheOptions> = {}) {
  return new ClientCredentialsTokenCache({
    tokenEndpoint: ENDPOINT_URL,
    clientId: "mybff",
    clientSecret: SECRET,
    scopes: ["MyService/weather_read"],
    kv: kv(),
    fetch: endpoint.fetch,
    retry: { baseDelayMs: 1 },
    now: () => clock,
    random: () => 1, // the longest back-off of each step: 2, 4, 8, 16, 32, 60 s
    ...extra,
  });
}

beforeEach(async () => {
  for (const { name } of (await kv().list()).keys) await kv().delete(name);
  endpoint = new FakeTokenEndpoint();
  clock = Date.now();
  logs = captureConsole();
});
afterEach(() => vi.restoreAllMocks());

async function rejection(promise: Promise<unknown>): Promise<TokenRequestError> {
  const error = await promise.then(
    () => {
      throw new Error("a token was given");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenRequestError);
  return error as TokenRequestError;
}

const backOffStoreKey = async () => backOffKey(await tokenStoreKey(ENDPOINT_URL, "mybff", ["MyService/weather_read"], SECRET));
const failedLogs = () => logs.filter((line) => line.includes('"token_request_failed"'));

describe("backOffDelayMs", () => {
  it("doubles from the base up to the cap, uniformly between the base and the ceiling", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 40].map((step) => backOffDelayMs(step, 1_000, 60_000, () => 1))).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
    expect([1, 6].map((step) => backOffDelayMs(step, 1_000, 60_000, () => 0))).toEqual([1_000, 1_000]);
    expect(backOffDelayMs(3, 1_000, 60_000, () => 0.5)).toBe(4_500);
  });
});

describe("after a failed token request", () => {
  it("rejects at once with the remembered failure and the seconds left, with no new request", async () => {
    const cache = isolate();
    endpoint.behaviour = "500";
    const first = await rejection(cache.getToken());
    expect(endpoint.calls).toBe(3); // the first failure is retried within the call
    expect(first).toMatchObject({ code: "TOKEN_ENDPOINT_UNAVAILABLE", retryAfterSeconds: 2 });
    clock += 500;
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => cache.getToken()));
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    const again = (results[0] as PromiseRejectedResult).reason as TokenRequestError;
    expect(again).toMatchObject({ code: "TOKEN_ENDPOINT_UNAVAILABLE", status: 500, retryAfterSeconds: 2 });
    clock += 1_000;
    expect((await rejection(cache.getToken())).retryAfterSeconds).toBe(1);
    expect(endpoint.calls).toBe(3);
    expect(failedLogs()).toHaveLength(1);
  });

  it("backs off exponentially up to the cap, one request per step once a failure is remembered", async () => {
    const cache = isolate();
    endpoint.behaviour = "500";
    const waits: number[] = [];
    for (let step = 1; step <= 8; step++) {
      const error = await rejection(cache.getToken());
      waits.push(error.retryAfterSeconds!);
      clock += error.retryAfterSeconds! * 1000;
    }
    expect(waits).toEqual([2, 4, 8, 16, 32, 60, 60, 60]);
    expect(endpoint.calls).toBe(3 + 7);
    expect(failedLogs().map((line) => JSON.parse(line).step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("honours the endpoint's Retry-After, up to the cap", async () => {
    endpoint.behaviour = "429";
    endpoint.retryAfter = "30";
    expect((await rejection(isolate().getToken())).retryAfterSeconds).toBe(30);
    expect(endpoint.calls).toBe(1); // a Retry-After longer than a retry may wait: no retry
    clock += 30_000;
    endpoint.retryAfter = "3600";
    expect((await rejection(isolate().getToken())).retryAfterSeconds).toBe(60);
  });

  it("takes a shorter back-off as an option", async () => {
    const cache = isolate({ backOff: { baseDelayMs: 10, maxDelayMs: 20 } });
    endpoint.behaviour = "down";
    await rejection(cache.getToken());
    await rejection(cache.getToken());
    expect(endpoint.calls).toBe(3);
    clock += 20;
    endpoint.behaviour = "ok";
    expect(await cache.getToken()).toBe(endpoint.issued[0]);
  });

  it("logs a configuration rejection once per back-off, never per request, and says so", async () => {
    const cache = isolate();
    for (const behaviour of ["invalid_client", "unauthorized_client", "invalid_scope"] as const) {
      endpoint.behaviour = behaviour;
      const error = await rejection(cache.getToken());
      expect(isConfigurationRejection(error)).toBe(true);
      for (let i = 0; i < 20; i++) expect(isConfigurationRejection(await rejection(cache.getToken()))).toBe(true);
      clock += error.retryAfterSeconds! * 1000;
    }
    expect(endpoint.calls).toBe(3);
    expect(failedLogs().map((line) => JSON.parse(line))).toMatchObject([
      { level: "error", oauthError: "invalid_client", configurationProblem: true },
      { level: "error", oauthError: "unauthorized_client", configurationProblem: true },
      { level: "error", oauthError: "invalid_scope", configurationProblem: true },
    ]);
    for (const line of logs) expect(line).not.toContain(SECRET);
  });

  it("does not call other rejections, or a redirect, a configuration problem", async () => {
    for (const behaviour of ["invalid_request", "500", "redirect"] as const) {
      endpoint.behaviour = behaviour;
      const error = await rejection(isolate().getToken());
      expect(isConfigurationRejection(error)).toBe(false);
      clock += 60_000;
    }
  });

  it("clears the memory with a good token: the next failure starts again from the first step", async () => {
    const cache = isolate({ safetyMarginSeconds: 60 });
    endpoint.behaviour = "500";
    await rejection(cache.getToken());
    clock += 2_000;
    await rejection(cache.getToken()); // step 2
    clock += 4_000;
    endpoint.behaviour = "ok";
    await cache.getToken();
    expect(await kv().get(await backOffStoreKey())).toBeNull();
    clock += 3600_000; // the token has expired
    endpoint.behaviour = "500";
    const calls = endpoint.calls;
    expect((await rejection(cache.getToken())).retryAfterSeconds).toBe(2);
    expect(endpoint.calls - calls).toBe(3);
  });

  it("stops background renewals during the back-off, and keeps serving the current token", async () => {
    const cache = isolate({ random: () => 0 }); // renewal at 75 %, back-offs of 1 s
    const first = await cache.getToken();
    endpoint.behaviour = "500";
    clock += 3600_000 * 0.8;
    const pending: Promise<unknown>[] = [];
    const waitUntil = (p: Promise<unknown>) => void pending.push(p);
    expect(await cache.getToken({ waitUntil })).toBe(first);
    await Promise.all(pending.splice(0));
    expect(endpoint.calls).toBe(1 + 3);
    for (let i = 0; i < 20; i++) expect(await cache.getToken({ waitUntil })).toBe(first);
    expect(pending).toHaveLength(0);
    clock += 1_000;
    expect(await cache.getToken({ waitUntil })).toBe(first);
    await Promise.all(pending.splice(0));
    expect(endpoint.calls).toBe(1 + 3 + 1);
  });
});

describe("shared through KV", () => {
  it("makes other isolates wait too, with no request of their own", async () => {
    endpoint.behaviour = "500";
    await rejection(isolate().getToken());
    // Sealed like the token: only a holder of the secret reads it (or writes one).
    const value = (await kv().get(await backOffStoreKey()))!;
    expect(value).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(value).not.toContain(SECRET);
    expect(await sealedStore().get(await backOffStoreKey())).toEqual({
      kind: "token_endpoint",
      code: "TOKEN_ENDPOINT_UNAVAILABLE",
      step: 1,
      until: clock + 2_000,
      status: 500,
    });
    const others = await Promise.all(Array.from({ length: 4 }, () => rejection(isolate().getToken())));
    expect(others.map((e) => e.retryAfterSeconds)).toEqual([2, 2, 2, 2]);
    expect(endpoint.calls).toBe(3);
    expect(logs.filter((line) => line.includes('"token_backoff_shared"'))).toHaveLength(4);
  });

  it("expires in KV no sooner than KV's 60 s minimum", async () => {
    endpoint.behaviour = "500";
    await rejection(isolate().getToken());
    const entry = (await kv().list()).keys.find((key) => key.name.startsWith("cc-backoff/v2/"))!;
    expect(entry.expiration).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 59);
  });

  it("continues the other isolate's sequence: the next failure is its next step", async () => {
    endpoint.behaviour = "500";
    await rejection(isolate().getToken());
    clock += 2_000;
    const other = isolate();
    const calls = endpoint.calls;
    expect((await rejection(other.getToken())).retryAfterSeconds).toBe(4);
    expect(endpoint.calls - calls).toBe(1);
  });

  it("never lets a record delay a good token that is in KV", async () => {
    const token = await isolate().getToken();
    const until = clock + 60_000;
    await sealedStore().put(await backOffStoreKey(), { kind: "token_endpoint", code: "TOKEN_ENDPOINT_UNAVAILABLE", step: 6, until }, 60);
    expect(await isolate().getToken()).toBe(token);
    expect(endpoint.calls).toBe(1);
  });

  it("still backs off in memory, and serves a good token, when KV writes fail", async () => {
    const cache = isolate({ kv: brokenKv("throw"), kvTimeoutMs: 50 });
    endpoint.behaviour = "500";
    await rejection(cache.getToken());
    await rejection(cache.getToken());
    expect(endpoint.calls).toBe(3);
    clock += 2_000;
    endpoint.behaviour = "ok";
    expect(await cache.getToken()).toBe(endpoint.issued[0]);
  });

  it("ignores a record that is not its own format", async () => {
    for (const value of [
      "nonsense",
      {},
      { kind: "x", code: "TOKEN_ENDPOINT_UNAVAILABLE", step: 1, until: 2 },
      { kind: "refused", code: "EVIL", step: 1, until: 2 },
      { kind: "refused", code: "FRESH_TOKEN_REFUSED", step: 1, until: Number.NaN },
      { kind: "refused", code: "FRESH_TOKEN_REFUSED", step: 1, until: 2, status: 9e9 },
    ]) {
      expect(parseBackOffRecord(value)).toBeNull();
    }
    expect(parseBackOffRecord({ kind: "refused", code: "FRESH_TOKEN_REFUSED", step: 1, until: 2 })).toMatchObject({ step: 1 });
  });
});

describe("when the resource server refuses the tokens", () => {
  it("fetches one new token after a refusal, then backs off when the fresh one is refused too", async () => {
    const cache = isolate();
    const first = await cache.getToken();
    await cache.reportRefused(first);
    const fresh = await cache.getToken();
    expect(endpoint.calls).toBe(2);
    await cache.reportRefused(fresh);
    for (let i = 0; i < 30; i++) {
      expect(await rejection(cache.getToken())).toMatchObject({ code: "FRESH_TOKEN_REFUSED", retryAfterSeconds: 2 });
    }
    expect(endpoint.calls).toBe(2);
    expect(logs.filter((line) => line.includes('"fresh_token_refused"'))).toHaveLength(1);
    // Another isolate, holding no token, waits too.
    expect((await rejection(isolate().getToken())).code).toBe("FRESH_TOKEN_REFUSED");
    expect(endpoint.calls).toBe(2);
  });

  it("spends one token request per step after that, with longer steps", async () => {
    const cache = isolate();
    await cache.reportRefused(await cache.getToken());
    await cache.reportRefused(await cache.getToken());
    clock += 2_000;
    const probe = await cache.getToken();
    expect(endpoint.calls).toBe(3);
    await cache.reportRefused(probe);
    expect((await rejection(cache.getToken())).retryAfterSeconds).toBe(4);
    expect(endpoint.calls).toBe(3);
  });

  it("costs two token requests for 50 concurrent requests refused together", async () => {
    const cache = isolate();
    const request = async () => {
      const token = await cache.getToken();
      await cache.reportRefused(token);
      const fresh = await cache.getToken();
      await cache.reportRefused(fresh);
    };
    const results = await Promise.allSettled(Array.from({ length: 50 }, request));
    expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThan(0);
    expect(endpoint.calls).toBe(2);
    expect((await rejection(cache.getToken())).code).toBe("FRESH_TOKEN_REFUSED");
  });

  it("retries with a new token again after a quiet while (a key rotation a week later)", async () => {
    const cache = isolate();
    await cache.reportRefused(await cache.getToken());
    const accepted = await cache.getToken();
    clock += 7 * 24 * 3600_000;
    await cache.reportRefused(accepted);
    expect(await cache.getToken()).toBe(endpoint.issued[2]);
  });
});

describe("configuration", () => {
  it.each([
    ["backOff.baseDelayMs", { baseDelayMs: 0 }],
    ["backOff.maxDelayMs", { baseDelayMs: 5_000, maxDelayMs: 1_000 }],
    ["backOff.maxDelayMs", { maxDelayMs: Number.POSITIVE_INFINITY }],
  ])("refuses a bad %s when created", (option, backOff) => {
    let thrown: unknown;
    try {
      isolate({ backOff });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).option).toBe(option);
  });
});
