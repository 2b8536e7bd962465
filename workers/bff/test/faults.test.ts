// MyBFF when its dependencies misbehave: each fault gives the documented status
// within the timeout, as a clean problem, and nothing secret leaks.
import { afterAll, describe, expect, it } from "vitest";
import { DEV_SECRET } from "#test/support/cognito-local.ts";
import { type LocalNetwork, type LocalNetworkOptions, startLocalNetwork } from "#test/support/local-network.ts";

const FAULTS = "http://127.0.0.1:8790";
const networks: LocalNetwork[] = [];
afterAll(async () => {
  // Across every fault: no worker ever logged the client secret or a token (a JWT starts with eyJ).
  const lines = networks.flatMap((n) => n.logs);
  expect(lines.length).toBeGreaterThan(20);
  for (const line of lines) {
    expect(line).not.toContain(DEV_SECRET);
    expect(line).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  }
  await Promise.all(networks.map((n) => n.dispose()));
});

async function network(options: LocalNetworkOptions): Promise<LocalNetwork> {
  const started = await startLocalNetwork(options);
  networks.push(started);
  return started;
}

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("Content-Type")).toBe("application/problem+json");
  const text = await response.text();
  expect(JSON.parse(text)).toMatchObject({ status, code });
  expect(text).not.toMatch(/stack|at \w+ \(|secret\.js/);
  expect(text).not.toContain(DEV_SECRET);
  return text;
}

async function timed(promise: Promise<Response>) {
  const started = Date.now();
  const response = await promise;
  return { response, ms: Date.now() - started };
}

// A back-off of exactly 5 s (base = cap), so that Retry-After is exact; a long one
// where a test makes many requests and they must all fall inside it.
const FIVE_SECOND_BACKOFF = { TOKEN_BACKOFF_BASE_MS: "5000", TOKEN_BACKOFF_MAX_MS: "5000" };
const LONG_BACKOFF = { TOKEN_BACKOFF_BASE_MS: "30000", TOKEN_BACKOFF_MAX_MS: "30000" };

// The token faults run for both token sources (issue 25: MyBFF on GetClientToken
// survives the same faults as on the token endpoint). The faults worker fails
// GetClientToken (`/gct/<fault>`) under the token endpoint's fault names, with the
// matching AWS JSON errors: invalid_client -> NotAuthorizedException,
// unauthorized_client -> OperationNotEnabledException, invalid_scope ->
// InvalidParameterException, 500 -> InternalErrorException, 429 -> TooManyRequestsException.
const SOURCES = [
  {
    name: "token endpoint",
    tokenSource: "token-endpoint",
    prefix: "token",
    at: (url: string) => ({ AUTH_SERVER_TOKEN_ENDPOINT_URL: url }),
    errorOf: (fault: string) => fault,
  },
  {
    name: "GetClientToken",
    tokenSource: "get-client-token",
    prefix: "gct",
    at: (url: string) => ({ COGNITO_IDP_ENDPOINT_URL: url }),
    errorOf: (fault: string) =>
      ({
        invalid_client: "NotAuthorizedException",
        unauthorized_client: "OperationNotEnabledException",
        invalid_scope: "InvalidParameterException",
      })[fault],
  },
] as const;

describe.each(SOURCES)("token faults on the $name (no token held)", (source) => {
  const { name, tokenSource, prefix } = source;
  /** MyBFF's network with its token source failing with `fault` (a path of the faults worker, or a whole URL). */
  const faulty = (fault: string, options: LocalNetworkOptions = {}) =>
    network({
      ...options,
      tokenSource,
      bffVars: { ...source.at(fault.startsWith("http") ? fault : `${FAULTS}/${prefix}/${fault}`), ...options.bffVars },
    });
  const DOWN = tokenSource === "token-endpoint" ? "http://127.0.0.1:8799/oauth2/token" : "http://127.0.0.1:8799/";

  it.each([
    ["down", DOWN, FIVE_SECOND_BACKOFF, "5"],
    ["answering 500", "500", FIVE_SECOND_BACKOFF, "5"],
    ["answering 503", "503", FIVE_SECOND_BACKOFF, "5"],
    ["answering garbage", "garbage", FIVE_SECOND_BACKOFF, "5"],
    ["redirecting (307)", "redirect", FIVE_SECOND_BACKOFF, "5"],
    // The endpoint's own Retry-After is honoured (up to the 60 s cap).
    ["answering 429 with Retry-After: 30", "429?retryAfter=30", {}, "30"],
  ])(`${name}: answers 503 with Retry-After = the back-off left when the token source is %s`, async (_, fault, vars, retryAfter) => {
    const net = await faulty(fault, { bffVars: vars });
    const { response, ms } = await timed(net.bff().fetch("/weatherforecast"));
    await expectProblem(response, 503, "token_unavailable");
    expect(response.headers.get("Retry-After")).toBe(retryAfter);
    expect(ms).toBeLessThan(5_000);
  });

  it.each(["invalid_client", "unauthorized_client", "invalid_scope"])(
    `${name}: answers 500 misconfigured with no Retry-After when the token source refuses the client (%s)`,
    async (fault) => {
      const net = await faulty(fault, { bffVars: LONG_BACKOFF });
      for (let i = 0; i < 5; i++) {
        const response = await net.bff().fetch("/weatherforecast");
        await expectProblem(response, 500, "misconfigured");
        expect(response.headers.get("Retry-After")).toBeNull();
      }
      // One token request and one error line for the five requests: the back-off holds the rest.
      expect((await net.faultHits())[`${prefix}/${fault}`]).toBe(1);
      await expect.poll(() => net.logs.filter((line) => line.includes('"token_request_failed"')).length).toBe(1);
      const line = JSON.parse(net.logs.find((l) => l.includes('"token_request_failed"'))!);
      expect(line).toMatchObject({ level: "error", oauthError: source.errorOf(fault), configurationProblem: true });
    },
  );

  it(`${name}: answers 500 misconfigured, logged as a configuration problem, when there is no token source at its URL (404)`, async () => {
    // The faults worker answers 404 to a fault it does not know: a URL with nothing behind it.
    const net = await faulty("no-such-endpoint", { bffVars: LONG_BACKOFF });
    for (let i = 0; i < 5; i++) await expectProblem(await net.bff().fetch("/weatherforecast"), 500, "misconfigured");
    // One request, not retried within the call, then the back-off: no storm.
    expect((await net.faultHits())[`${prefix}/no-such-endpoint`]).toBe(1);
    await expect.poll(() => net.logs.filter((line) => line.includes('"token_request_failed"')).length).toBe(1);
    const line = JSON.parse(net.logs.find((l) => l.includes('"token_request_failed"')) ?? "{}");
    expect(line).toMatchObject({ level: "error", status: 404, code: "TOKEN_REQUEST_REJECTED", configurationProblem: true });
  });

  it(`${name}: answers 503 within its timeout when the token source is slow`, async () => {
    const net = await faulty("slow", { bffVars: { TOKEN_REQUEST_TIMEOUT_MS: "500" } });
    const { response, ms } = await timed(net.bff().fetch("/weatherforecast"));
    await expectProblem(response, 503, "token_unavailable");
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(3_000);
  });

  it(`${name}: retries a failing token source a bounded number of times, then not at all during the back-off`, async () => {
    const net = await faulty("503", { bffVars: LONG_BACKOFF });
    await net.bff().fetch("/weatherforecast");
    expect((await net.faultHits())[`${prefix}/503`]).toBe(3);
    for (let i = 0; i < 20; i++) {
      const response = await net.bff().fetch("/weatherforecast");
      await expectProblem(response, 503, "token_unavailable");
      expect(Number(response.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
      expect(Number(response.headers.get("Retry-After"))).toBeLessThanOrEqual(30);
    }
    expect((await net.faultHits())[`${prefix}/503`]).toBe(3);
  });

  it(`${name}: shares the back-off through KV: other isolates answer 503 with no token request of their own`, async () => {
    const net = await faulty("503", { bffCount: 4, bffVars: LONG_BACKOFF });
    await net.bff(1).fetch("/weatherforecast");
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => net.bff(2 + (i % 3)).fetch("/weatherforecast")));
    for (const response of responses) await expectProblem(response, 503, "token_unavailable");
    expect((await net.faultHits())[`${prefix}/503`]).toBe(3);
  });

  it(`${name}: answers 200 again once the back-off after the source's recovery ends, with one request`, async () => {
    const net = await faulty("gate", { bffVars: { TOKEN_BACKOFF_BASE_MS: "2000", TOKEN_BACKOFF_MAX_MS: "2000" } });
    await net.setGate(false);
    await expectProblem(await net.bff().fetch("/weatherforecast"), 503, "token_unavailable");
    await net.setGate(true);
    await expectProblem(await net.bff().fetch("/weatherforecast"), 503, "token_unavailable"); // still backing off
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const response = await net.bff().fetch("/weatherforecast");
    expect(response.status).toBe(200);
    expect((await net.faultHits())[`${prefix}/gate`]).toBe(3 + 1);
    expect(await net.tokenRequests()).toBe(1);
  });

  it.each(tokenSource === "token-endpoint" ? ["basic", "body"] : ["in the body"])(
    `${name}: follows no redirect from the token source (client secret %s)`,
    async (mode) => {
      const net = await faulty("redirect", { bffVars: mode === "in the body" ? {} : { TOKEN_CLIENT_AUTHENTICATION: mode } });
      await expectProblem(await net.bff().fetch("/weatherforecast"), 503, "token_unavailable");
      const hits = await net.faultHits();
      expect(hits[`${prefix}/redirect`]).toBe(1);
      expect(hits[`capture/${prefix}`]).toBeUndefined(); // the secret went nowhere else
      await expect.poll(() => net.logs.some((line) => line.includes('"TOKEN_ENDPOINT_REDIRECTED"'))).toBe(true);
    },
  );
});

it("names a ForbiddenException (AWS WAF) from GetClientToken in the log, and answers 503", async () => {
  const net = await network({ tokenSource: "get-client-token", bffVars: { COGNITO_IDP_ENDPOINT_URL: `${FAULTS}/gct/forbidden` } });
  await expectProblem(await net.bff().fetch("/weatherforecast"), 503, "token_unavailable");
  await expect
    .poll(() => net.logs.some((line) => line.includes('"token_request_failed"') && line.includes('"ForbiddenException"')))
    .toBe(true);
});

describe("MyService faults", () => {
  it.each([
    ["down", "http://127.0.0.1:8798", 502, "upstream_failed"],
    ["answering 500", `${FAULTS}/service/500`, 502, "upstream_failed"],
    ["answering garbage", `${FAULTS}/service/garbage`, 502, "upstream_failed"],
    ["answering the wrong shape", `${FAULTS}/service/wrong-shape`, 502, "upstream_failed"],
    ["refusing the scope (403 insufficient_scope)", `${FAULTS}/service/403`, 500, "misconfigured"],
    ["redirecting (307)", `${FAULTS}/service/redirect`, 502, "upstream_failed"],
  ])("answers %s (at %s) with %i %s", async (_, url, status, code) => {
    const net = await network({ serviceBinding: false, bffVars: { MY_SERVICE_URL: url } });
    await expectProblem(await net.bff().fetch("/weatherforecast"), status, code);
  });

  it("answers 504 within its timeout when MyService is slow", async () => {
    const net = await network({
      serviceBinding: false,
      bffVars: { MY_SERVICE_URL: `${FAULTS}/service/slow`, MY_SERVICE_TIMEOUT_MS: "500" },
    });
    const { response, ms } = await timed(net.bff().fetch("/weatherforecast"));
    await expectProblem(response, 504, "upstream_timeout");
    expect(ms).toBeLessThan(3_000);
  });

  it("takes a 403 insufficient_scope as misconfigured: 500 at once for the back-off, logged once, MyService asked once", async () => {
    const net = await network({ serviceBinding: false, bffVars: { MY_SERVICE_URL: `${FAULTS}/service/403`, ...LONG_BACKOFF } });
    for (let i = 0; i < 10; i++) await expectProblem(await net.bff().fetch("/weatherforecast"), 500, "misconfigured");
    expect((await net.faultHits())["service/403"]).toBe(1);
    await expect.poll(() => net.logs.some((line) => line.includes('"my_service_forbidden"') && line.includes("TOKEN_SCOPES"))).toBe(true);
    expect(net.logs.filter((line) => line.includes('"my_service_forbidden"'))).toHaveLength(1);
    expect(net.logs.filter((line) => line.includes('"my_service_failed"'))).toEqual([]);
  });

  it("follows no redirect from MyService: the token goes nowhere else", async () => {
    const net = await network({ serviceBinding: false, bffVars: { MY_SERVICE_URL: `${FAULTS}/service/redirect` } });
    await expectProblem(await net.bff().fetch("/weatherforecast"), 502, "upstream_failed");
    const hits = await net.faultHits();
    expect(hits["service/redirect"]).toBe(1);
    expect(hits["capture/service"]).toBeUndefined();
    await expect.poll(() => net.logs.some((line) => line.includes("MY_SERVICE_URL") && line.includes('"my_service_failed"'))).toBe(true);
  });

  it("retries a 401 once with a new token, then stops fetching tokens for the back-off", async () => {
    const net = await network({ serviceBinding: false, bffVars: { MY_SERVICE_URL: `${FAULTS}/service/401`, ...LONG_BACKOFF } });
    await expectProblem(await net.bff().fetch("/weatherforecast"), 502, "upstream_failed");
    expect((await net.faultHits())["service/401"]).toBe(2);
    expect(await net.tokenRequests()).toBe(2);
    for (let i = 0; i < 10; i++) {
      const response = await net.bff().fetch("/weatherforecast");
      await expectProblem(response, 502, "upstream_failed");
      expect(response.headers.get("Retry-After")).toBeNull();
    }
    // At once: no token request and no MyService call.
    expect((await net.faultHits())["service/401"]).toBe(2);
    expect(await net.tokenRequests()).toBe(2);
  });

  it("reaches MyService over HTTP (MY_SERVICE_URL) when there is no binding", async () => {
    const net = await network({ serviceBinding: false });
    expect((await net.bff().fetch("/weatherforecast")).status).toBe(200);
  });

  it("marks its authorized answer Cache-Control: no-store", async () => {
    const net = await network({});
    const response = await net.bff().fetch("/weatherforecast");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });
});

describe("configuration", () => {
  it.each(["AUTH_SERVER_TOKEN_ENDPOINT_URL", "AUTH_SERVER_MYBFF_CLIENT_ID", "AUTH_SERVER_MYBFF_CLIENT_SECRET"])(
    "answers 500 misconfigured and names %s in the log when it is missing",
    async (variable) => {
      const net = await network({ bffVars: { [variable]: null } });
      const text = await expectProblem(await net.bff().fetch("/weatherforecast"), 500, "misconfigured");
      expect(text).not.toContain(variable);
      await expect.poll(() => net.logs.some((line) => line.includes('"bff_misconfigured"') && line.includes(variable))).toBe(true);
    },
  );

  it("names MY_SERVICE_URL when there is neither it nor the binding", async () => {
    const net = await network({ serviceBinding: false, bffVars: { MY_SERVICE_URL: null } });
    await expectProblem(await net.bff().fetch("/weatherforecast"), 500, "misconfigured");
    await expect.poll(() => net.logs.some((line) => line.includes("MY_SERVICE_URL"))).toBe(true);
  });
});
