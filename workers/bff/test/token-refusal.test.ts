// MyService refusing every token MyBFF gets (MyBFF's client id missing from
// COGNITO_ALLOWED_CLIENT_IDS): after the fresh token is refused too, MyBFF stops
// fetching tokens for the back-off and answers 502 at once, in every isolate.
// Token requests counted at cognito-local.
import { afterEach, describe, expect, it } from "vitest";
import { type LocalNetwork, type LocalNetworkOptions, startLocalNetwork } from "#test/support/local-network.ts";

// Long enough that every request of a test falls inside the first back-off.
const LONG_BACKOFF = { TOKEN_BACKOFF_BASE_MS: "30000", TOKEN_BACKOFF_MAX_MS: "30000" };
const NOT_MYBFF = { COGNITO_ALLOWED_CLIENT_IDS: "someotherclientid0000000000" };

let network: LocalNetwork | undefined;
afterEach(async () => {
  await network?.dispose();
  network = undefined;
});

async function refusingNetwork(extra: LocalNetworkOptions = {}): Promise<LocalNetwork> {
  network = await startLocalNetwork({ serviceVars: NOT_MYBFF, ...extra, bffVars: { ...LONG_BACKOFF, ...extra.bffVars } });
  return network;
}

async function expect502(response: Response) {
  expect(response.status).toBe(502);
  expect(response.headers.get("Content-Type")).toBe("application/problem+json");
  expect(response.headers.get("Retry-After")).toBeNull();
  expect(await response.json()).toMatchObject({ status: 502, code: "upstream_failed" });
}

/** MyService's own count of refused requests, from its log lines. */
const refusals = (net: LocalNetwork) => net.logs.filter((line) => line.includes('"auth_rejected"')).length;

describe("MyService refusing MyBFF's tokens", () => {
  it("costs 2 token requests for 30 sequential requests", async () => {
    const net = await refusingNetwork();
    for (let i = 0; i < 30; i++) await expect502(await net.bff().fetch("/weatherforecast"));
    expect(await net.tokenRequests()).toBe(2);
    // The first request called MyService twice; the 29 others not at all.
    await expect.poll(() => refusals(net)).toBe(2);
    await expect.poll(() => net.logs.filter((line) => line.includes('"fresh_token_refused"')).length).toBe(1);
  });

  it("costs 2 token requests for 50 concurrent requests", async () => {
    const net = await refusingNetwork();
    const responses = await Promise.all(Array.from({ length: 50 }, () => net.bff().fetch("/weatherforecast")));
    for (const response of responses) await expect502(response);
    expect(await net.tokenRequests()).toBe(2);
  });

  it("makes the other isolates answer 502 with no token request and no MyService call", async () => {
    const net = await refusingNetwork({ bffCount: 3 });
    await expect502(await net.bff(1).fetch("/weatherforecast"));
    await expect.poll(() => refusals(net)).toBe(2);
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => net.bff(2 + (i % 2)).fetch("/weatherforecast")));
    for (const response of responses) await expect502(response);
    expect(await net.tokenRequests()).toBe(2);
    expect(refusals(net)).toBe(2);
  });

  it("tries one new token per back-off step after that", async () => {
    const net = await refusingNetwork({ bffVars: { TOKEN_BACKOFF_BASE_MS: "500", TOKEN_BACKOFF_MAX_MS: "500" } });
    await expect502(await net.bff().fetch("/weatherforecast"));
    expect(await net.tokenRequests()).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await expect502(await net.bff().fetch("/weatherforecast"));
    expect(await net.tokenRequests()).toBe(3);
  });
});
