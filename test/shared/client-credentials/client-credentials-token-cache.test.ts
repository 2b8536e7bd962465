// The three-tier token cache (memory, KV, token endpoint) with a real KV namespace
// of the pool and a token endpoint that misbehaves on demand.
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ClientCredentialsTokenCache } from "../../../shared/client-credentials/client-credentials-token-cache";
import { tokenStoreKey } from "../../../shared/client-credentials/sealed-store";
import type { ClientCredentialsTokenCacheOptions } from "../../../shared/client-credentials/token-cache-options";
import { ConfigError, TokenRequestError } from "../../../shared/errors";
import { background, captureConsole } from "../../workerd/captured-work";
import { brokenKv, FakeTokenEndpoint } from "../../workerd/fake-token-endpoint";

const SECRET = "the-client-secret";
const ENDPOINT_URL = "https://auth.example.com/oauth2/token";
const kv = () => (env as unknown as { TEST_KV: KVNamespace }).TEST_KV;

let endpoint: FakeTokenEndpoint;
let clock: number;
let logs: string[];

/** One isolate's cache. Several of them on the same KV stand for several isolates. */
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
    ...extra,
  });
}

beforeEach(async () => {
  // KV keeps its entries from one test to the next within this file.
  for (const { name } of (await kv().list()).keys) await kv().delete(name);
  endpoint = new FakeTokenEndpoint();
  clock = Date.now();
  logs = captureConsole();
});
afterEach(() => vi.restoreAllMocks());

describe("sharing one token", () => {
  it("costs one token per secret generation when isolates of both start side by side (issue 29, L3)", async () => {
    // A rotation during a gradual deployment: 12 cold isolates, old and new secret alternating.
    for (let i = 0; i < 12; i++) await isolate({ clientSecret: i % 2 === 0 ? SECRET : "the-new-client-secret" }).getToken();
    expect(endpoint.calls).toBe(2);
    const keys = (await kv().list()).keys.map((key) => key.name);
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key).not.toContain("secret");
  });

  it("makes one token request for 200 concurrent requests on a cold isolate", async () => {
    const cache = isolate();
    const tokens = await Promise.all(Array.from({ length: 200 }, () => cache.getToken()));
    expect(new Set(tokens)).toEqual(new Set([endpoint.issued[0]]));
    expect(endpoint.calls).toBe(1);
  });

  it("gives other isolates the token through KV, with no token request", async () => {
    const first = await isolate().getToken();
    const others = await Promise.all(Array.from({ length: 5 }, () => isolate().getToken()));
    expect(others).toEqual(Array(5).fill(first));
    expect(endpoint.calls).toBe(1);
    expect(logs.filter((line) => line.includes('"token_cache_hit"') && line.includes('"kv"'))).toHaveLength(5);
  });

  it("keeps the token in memory after a KV hit", async () => {
    await isolate().getToken();
    const other = isolate();
    await other.getToken();
    const get = vi.spyOn(kv(), "get");
    await other.getToken();
    expect(get).not.toHaveBeenCalled();
  });
});

describe("what is in KV", () => {
  it("is not a usable token, under a key that names no secret", async () => {
    const token = await isolate().getToken();
    const { keys } = await kv().list();
    expect(keys).toHaveLength(1);
    const key = keys[0]!;
    expect(key.name).toBe(await tokenStoreKey(ENDPOINT_URL, "mybff", ["MyService/weather_read"], SECRET));
    expect(key.name).not.toContain(SECRET);
    const value = (await kv().get(key.name))!;
    expect(value).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(value).not.toContain(token);
    expect(value).not.toContain(btoa(token).replace(/=+$/, ""));
  });

  it("expires with the token", async () => {
    await isolate().getToken();
    const { keys } = await kv().list();
    expect(keys[0]!.expiration).toBeGreaterThanOrEqual(Math.floor(clock / 1000) + 3599);
    expect(keys[0]!.expiration).toBeLessThanOrEqual(Math.floor(clock / 1000) + 3601);
  });

  it("cannot be read after the secret changes: a new token is fetched and stored", async () => {
    const old = await isolate().getToken();
    const rotated = await isolate({ clientSecret: "the-new-secret" }).getToken();
    expect(rotated).not.toBe(old);
    expect(endpoint.calls).toBe(2);
    expect(await isolate({ clientSecret: "the-new-secret" }).getToken()).toBe(rotated);
    expect(endpoint.calls).toBe(2);
  });
});

describe("renewing ahead of expiry", () => {
  it("renews in the background past 75-85 % of the usable lifetime, while requests keep the current token", async () => {
    const cache = isolate({ random: () => 0 });
    const first = await cache.getToken();
    const bg = background();
    const usable = 3600_000 - 60_000;
    clock += usable * 0.74; // not yet
    expect(await cache.getToken(bg)).toBe(first);
    expect(bg.pending).toHaveLength(0);
    clock += usable * 0.01; // 75 %
    expect(await cache.getToken(bg)).toBe(first);
    expect(await cache.getToken(bg)).toBe(first);
    expect(bg.pending).toHaveLength(1); // one renewal, whatever the number of requests
    await bg.settle();
    expect(endpoint.calls).toBe(2);
    expect(await cache.getToken(bg)).toBe(endpoint.issued[1]);
  });

  it("spreads isolates' renewal points over 75-85 % of the usable lifetime", async () => {
    const early = isolate({ random: () => 0 });
    const late = isolate({ random: () => 0.999 });
    await early.getToken();
    await late.getToken();
    const bg = background();
    clock += (3600_000 - 60_000) * 0.8;
    await late.getToken(bg);
    expect(bg.pending).toHaveLength(0);
    await early.getToken(bg);
    expect(bg.pending).toHaveLength(1);
    // Settled here: left running, it would write a token into the next test's KV.
    await bg.settle();
  });

  it("adopts the newer token another isolate put in KV instead of asking for one", async () => {
    const a = isolate({ random: () => 0 });
    const b = isolate({ random: () => 0.5 });
    await a.getToken();
    await b.getToken();
    clock += 3600_000 * 0.76;
    const bg = background();
    await a.getToken(bg);
    await bg.settle();
    expect(endpoint.calls).toBe(2);
    clock += 3600_000 * 0.05; // b's own renewal point
    await b.getToken(bg);
    await bg.settle();
    expect(endpoint.calls).toBe(2);
    expect(await b.getToken()).toBe(endpoint.issued[1]);
  });

  it("over three lifetimes of short tokens, renews in the background and never hands out one near expiry", async () => {
    endpoint.expiresIn = 300; // Cognito's shortest lifetime: 5 minutes
    const cache = isolate();
    const bg = background();
    const start = clock;
    const expiryOf = new Map<string, number>();
    while (clock < start + 3 * 300_000) {
      const token = await cache.getToken(bg);
      if (!expiryOf.has(token)) expiryOf.set(token, clock + 300_000);
      expect(expiryOf.get(token)! - clock).toBeGreaterThanOrEqual(60_000);
      await bg.settle();
      clock += 10_000;
    }
    // One token per lifetime or so, every one of them obtained ahead of need.
    expect(endpoint.calls).toBeGreaterThanOrEqual(3);
    expect(endpoint.calls).toBeLessThanOrEqual(5);
    expect(logs.filter((line) => line.includes('"token_cache_miss"'))).toHaveLength(1);
  });

  it("never hands out a token within 60 s of its expiry", async () => {
    const cache = isolate();
    await cache.getToken();
    endpoint.behaviour = "500";
    clock += 3600_000 - 60_000;
    const error = await cache.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
  });

  it("keeps serving the current token when the renewal fails", async () => {
    const cache = isolate({ random: () => 0 });
    const first = await cache.getToken();
    endpoint.behaviour = "500";
    clock += 3600_000 * 0.9;
    const bg = background();
    expect(await cache.getToken(bg)).toBe(first);
    await bg.settle();
    expect(await cache.getToken()).toBe(first);
    expect(logs.some((line) => line.includes('"token_renewal_failed"'))).toBe(true);
  });
});

describe("faults", () => {
  it.each(["throw", "hang"] as const)("serves tokens when KV calls %s", async (mode) => {
    const cache = isolate({ kv: brokenKv(mode), kvTimeoutMs: 50 });
    const started = Date.now();
    expect(await cache.getToken()).toBe(endpoint.issued[0]);
    expect(await cache.getToken()).toBe(endpoint.issued[0]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(logs.some((line) => line.includes('"token_cache_kv_failed"'))).toBe(true);
  });

  it("shares one failing lookup among concurrent requests and lets the next one try again after the back-off", async () => {
    const cache = isolate();
    endpoint.behaviour = "invalid_client";
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => cache.getToken()));
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(endpoint.calls).toBe(1);
    endpoint.behaviour = "ok";
    clock += 2_000; // the first back-off is 1 to 2 s
    const token = await cache.getToken();
    expect(token).toBe(endpoint.issued[0]);
  });

  it("logs a rejected client as a configuration problem, without the secret", async () => {
    endpoint.behaviour = "invalid_client";
    await isolate()
      .getToken()
      .catch(() => undefined);
    const line = logs.find((l) => l.includes('"token_request_failed"'))!;
    expect(JSON.parse(line)).toMatchObject({ code: "TOKEN_REQUEST_REJECTED", oauthError: "invalid_client", configurationProblem: true });
    for (const l of logs) expect(l).not.toContain(SECRET);
  });
});

describe("invalidate", () => {
  it("forgets a refused token in memory and in KV, so the next call gets a new one", async () => {
    const cache = isolate();
    const refused = await cache.getToken();
    await cache.invalidate(refused);
    const fresh = await cache.getToken();
    expect(fresh).not.toBe(refused);
    expect(await isolate().getToken()).toBe(fresh);
    expect(endpoint.calls).toBe(2);
  });

  it("does not delete a newer token another isolate stored", async () => {
    const a = isolate();
    const old = await a.getToken();
    await a.invalidate(old);
    const newer = await isolate().getToken();
    await isolate().invalidate(old);
    expect(await isolate().getToken()).toBe(newer);
  });
});

describe("configuration", () => {
  it.each([
    ["safetyMarginSeconds", { safetyMarginSeconds: 30 }],
    ["kv", { kv: undefined }],
    ["clientSecret", { clientSecret: "" }],
    ["tokenEndpoint", { tokenEndpoint: "not a url" }],
    // Cleartext, or credentials in the URL: the client secret would go out in the clear or to the wrong place.
    ["tokenEndpoint", { tokenEndpoint: "http://auth.example.com/oauth2/token" }],
    ["tokenEndpoint", { tokenEndpoint: "http://127.attacker.example/oauth2/token" }],
    ["tokenEndpoint", { tokenEndpoint: "https://user:pass@auth.example.com/oauth2/token" }],
    ["tokenEndpoint", { tokenEndpoint: "ftp://auth.example.com/oauth2/token" }],
    ["scopes", { scopes: "MyService/weather_read" }],
    ["logger", { logger: "console" }],
    ["coordinator", { coordinator: {} }],
  ])("refuses a bad %s when created (%o)", (option, extra) => {
    let thrown: unknown;
    try {
      isolate(extra as Partial<ClientCredentialsTokenCacheOptions>);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).option).toBe(option);
  });
});

describe("the token endpoint's URL", () => {
  it.each(["http://127.0.0.1:8789/oauth2/token", "http://localhost:8789/oauth2/token", "http://[::1]/oauth2/token", ENDPOINT_URL])(
    "may be %s",
    (tokenEndpoint) => {
      expect(() => isolate({ tokenEndpoint })).not.toThrow();
    },
  );
});

describe("the logger option", () => {
  it("receives every event, and nothing goes to the console", async () => {
    const events: Array<[string, string]> = [];
    const cache = isolate({ logger: (level, event) => void events.push([level, event]) });
    endpoint.behaviour = "500";
    await cache.getToken().catch(() => undefined);
    expect(events).toContainEqual(["info", "token_cache_miss"]);
    expect(events).toContainEqual(["error", "token_request_failed"]);
    expect(logs).toEqual([]);
  });
});
