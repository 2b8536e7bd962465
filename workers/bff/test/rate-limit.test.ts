// MyBFF's rate limit in Miniflare (the Workers Rate Limiting binding simulated as
// workers/bff/wrangler.toml declares it): the limit holds per address, a refused
// request costs no token request and no MyService request, other addresses are
// unaffected, the count recovers after the period, and without a binding nothing
// is limited and the isolate says so once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  configuredRateLimit,
  measureRateLimit,
  msUntilFreshWindow,
  startRateLimitedBff,
  waitForFreshWindow,
} from "#scripts/reliability/rate-limit.mjs";

type Bff = Awaited<ReturnType<typeof startRateLimitedBff>>;
const { limit, period } = configuredRateLimit();

async function statuses(bff: Bff, count: number, address: string): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await bff.fetch("/weatherforecast", { address });
    await response.body?.cancel();
    result.push(response.status);
  }
  return result;
}

describe("MyBFF's rate limit, as wrangler.toml sets it", () => {
  let bff: Bff;
  beforeAll(async () => {
    bff = await startRateLimitedBff();
  });
  afterAll(() => bff?.dispose());

  it("is documented as 20 requests per 10 s per address, and is on (nothing logged)", async () => {
    expect({ limit, period }).toEqual({ limit: 20, period: 10 });
    await (await bff.fetch("/weatherforecast", { address: "203.0.113.200" })).body?.cancel();
    expect(bff.logs.filter((line) => line.includes("rate_limit_off"))).toEqual([]);
  });

  it("answers 429 problem+json with Retry-After past the limit, with no token and no MyService request", async () => {
    // The simulated limiter counts in fixed windows: start where the burst fits in one.
    await waitForFreshWindow(period, 6_000);
    await bff.resetCounts();
    await expect(statuses(bff, limit, "203.0.113.1")).resolves.toEqual(Array(limit).fill(200));
    const before = await bff.counts();
    expect(before.myServiceRequests).toBe(limit);

    const refused = await bff.fetch("/weatherforecast", { address: "203.0.113.1" });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Content-Type")).toBe("application/problem+json");
    expect(refused.headers.get("Retry-After")).toBe(String(period));
    expect(refused.headers.get("Cache-Control")).toBe("no-store");
    expect(await refused.json()).toMatchObject({ status: 429, code: "rate_limited", title: "Too Many Requests" });
    await expect(statuses(bff, 5, "203.0.113.1")).resolves.toEqual(Array(5).fill(429));
    // Six refused requests later: not one more call anywhere.
    expect(await bff.counts()).toEqual(before);
  });

  it("leaves other addresses alone, and counts an IPv6 client by its /64 (IPv4-mapped ones by their IPv4 address)", async () => {
    await waitForFreshWindow(period, 6_000);
    await statuses(bff, limit + 1, "203.0.113.2");
    await expect(statuses(bff, 1, "203.0.113.3")).resolves.toEqual([200]);
    await expect(statuses(bff, 1, "203.0.113.2")).resolves.toEqual([429]);
    // The same client written as an IPv4-mapped address shares its count; an IPv6
    // address with the same dotted tail (NAT64's prefix) is another client.
    await expect(statuses(bff, 1, "::ffff:203.0.113.2")).resolves.toEqual([429]);
    await expect(statuses(bff, 1, "64:ff9b::203.0.113.2")).resolves.toEqual([200]);

    await statuses(bff, limit, "2001:db8:1:2::1");
    // Another address of the same /64 (written differently) shares its count...
    await expect(statuses(bff, 1, "2001:DB8:1:2:0:0:0:ffff")).resolves.toEqual([429]);
    // ...and the next /64 has its own.
    await expect(statuses(bff, 1, "2001:db8:1:3::1")).resolves.toEqual([200]);
  });

  it("recovers after the period", async () => {
    await waitForFreshWindow(period, 6_000);
    await statuses(bff, limit + 1, "203.0.113.4");
    await expect(statuses(bff, 1, "203.0.113.4")).resolves.toEqual([429]);
    // Into the next window of the simulated limiter (at most one period).
    const wait = msUntilFreshWindow(period, period * 1000);
    expect(wait).toBeLessThanOrEqual(period * 1000 + 50);
    await new Promise((resolve) => setTimeout(resolve, wait));
    await expect(statuses(bff, 1, "203.0.113.4")).resolves.toEqual([200]);
  }, 30_000);

  it("does not limit the page, its assets or the OpenAPI document", async () => {
    await waitForFreshWindow(period, 6_000);
    await statuses(bff, limit + 1, "203.0.113.5");
    for (const path of ["/", "/app.js", "/openapi.json", "/docs/"]) {
      const response = await bff.fetch(path, { address: "203.0.113.5" });
      await response.body?.cancel();
      expect([path, response.status]).toEqual([path, 200]);
    }
  });
});

describe("MyBFF without a limit", () => {
  const started: Bff[] = [];
  afterAll(() => Promise.all(started.map((b) => b.dispose())));
  const start = async (options: Parameters<typeof startRateLimitedBff>[0]) => {
    const bff = await startRateLimitedBff(options);
    started.push(bff);
    return bff;
  };
  const offLines = (bff: Bff) => bff.logs.filter((line) => line.includes('"event":"rate_limit_off"'));

  it("has no limit when the binding is missing, and says so once, at startup", async () => {
    const bff = await start({ ratelimit: null });
    // At startup, before any request...
    await expect.poll(() => offLines(bff).length).toBe(1);
    await expect(statuses(bff, limit + 5, "203.0.113.9")).resolves.toEqual(Array(limit + 5).fill(200));
    // ...and not again.
    expect(offLines(bff)).toHaveLength(1);
    expect(offLines(bff)[0]).toContain("no WEATHER_RATE_LIMITER binding");
  });

  it('has no limit with RATE_LIMIT = "off", and says so once, at startup', async () => {
    const bff = await start({ bffVars: { RATE_LIMIT: "off" } });
    await expect.poll(() => offLines(bff).length).toBe(1);
    await expect(statuses(bff, limit + 5, "203.0.113.9")).resolves.toEqual(Array(limit + 5).fill(200));
    expect(offLines(bff)).toHaveLength(1);
    expect(offLines(bff)[0]).toContain('RATE_LIMIT is \\"off\\"');
  });

  it("keeps the startup warning to itself when LOG_LEVEL is error", async () => {
    const errorsOnly = await start({ bffVars: { RATE_LIMIT: "off", LOG_LEVEL: "error" } });
    await expect(statuses(errorsOnly, 1, "203.0.113.9")).resolves.toEqual([200]);
    // The same worker at warn level says it, so its logs are being read.
    const warnings = await start({ bffVars: { RATE_LIMIT: "off", LOG_LEVEL: "warn" } });
    await expect.poll(() => offLines(warnings).length).toBe(1);
    expect(offLines(errorsOnly)).toEqual([]);
  });

  it("refuses to run with a RATE_LIMIT it does not know (500 misconfigured, no call made)", async () => {
    const bff = await start({ bffVars: { RATE_LIMIT: "sometimes" } });
    const response = await bff.fetch("/weatherforecast");
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: "misconfigured" });
    expect(await bff.counts()).toEqual({ tokenRequests: 0, myServiceRequests: 0 });
    await expect.poll(() => bff.logs.some((line) => line.includes("RATE_LIMIT must be"))).toBe(true);
  });
});

describe("the load run of npm run reliability (scripts/reliability/rate-limit.mjs)", () => {
  it("lets at most the limit per period through from one address, and serves another", async () => {
    const figures = await measureRateLimit({ durationSeconds: 2, connections: 5 });
    expect(figures.requests).toBeGreaterThan(figures.maxAllowed);
    expect(figures.ok).toBeGreaterThan(0);
    expect(figures.myServiceRequests).toBeLessThanOrEqual(figures.maxAllowed);
    expect(figures.ok).toBeLessThanOrEqual(figures.myServiceRequests);
    expect(figures.limited).toBeGreaterThan(0);
    expect(figures.other).toBe(0);
    expect(figures.tokenRequests).toBe(1);
    expect(figures.retryAfter).toBe(String(period));
    expect(figures.otherAddressStatus).toBe(200);
  }, 60_000);
});
