// MyBFF when its dependencies misbehave: each fault gives the documented status
// within the timeout, as a clean problem, and nothing secret leaks.
import { afterAll, describe, expect, it } from "vitest";
import { DEV_SECRET } from "../../../test/support/cognito-local";
import { startLocalNetwork, type LocalNetwork, type LocalNetworkOptions } from "../../../test/support/local-network";

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

describe("token endpoint faults (no token held)", () => {
  it.each([
    ["down", "http://127.0.0.1:8799/oauth2/token", "5"],
    ["answering 500", `${FAULTS}/token/500`, "5"],
    ["answering garbage", `${FAULTS}/token/garbage`, "5"],
    ["refusing the client (invalid_client)", `${FAULTS}/token/invalid_client`, "5"],
    ["answering 429 with Retry-After: 30", `${FAULTS}/token/429?retryAfter=30`, "30"],
  ])("answers 503 with Retry-After when the token endpoint is %s", async (_, url, retryAfter) => {
    const net = await network({ bffVars: { AUTH_SERVER_TOKEN_ENDPOINT_URL: url } });
    const { response, ms } = await timed(net.bff().fetch("/weatherforecast"));
    await expectProblem(response, 503, "token_unavailable");
    expect(response.headers.get("Retry-After")).toBe(retryAfter);
    expect(ms).toBeLessThan(5_000);
  });

  it("answers 503 within its timeout when the token endpoint is slow", async () => {
    const net = await network({
      bffVars: { AUTH_SERVER_TOKEN_ENDPOINT_URL: `${FAULTS}/token/slow`, TOKEN_REQUEST_TIMEOUT_MS: "500" },
    });
    const { response, ms } = await timed(net.bff().fetch("/weatherforecast"));
    await expectProblem(response, 503, "token_unavailable");
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(3_000);
  });

  it("retries a failing token endpoint a bounded number of times", async () => {
    const net = await network({ bffVars: { AUTH_SERVER_TOKEN_ENDPOINT_URL: `${FAULTS}/token/503` } });
    await net.bff().fetch("/weatherforecast");
    expect((await net.faultHits())["token/503"]).toBe(3);
  });

  it("does not retry a refused client, and logs it as a configuration problem", async () => {
    const net = await network({ bffVars: { AUTH_SERVER_TOKEN_ENDPOINT_URL: `${FAULTS}/token/invalid_client` } });
    await net.bff().fetch("/weatherforecast");
    expect((await net.faultHits())["token/invalid_client"]).toBe(1);
    await expect.poll(() => net.logs.some((line) => line.includes('"configurationProblem":true'))).toBe(true);
  });
});

describe("MyService faults", () => {
  it.each([
    ["down", "http://127.0.0.1:8798", 502, "upstream_failed"],
    ["answering 500", `${FAULTS}/service/500`, 502, "upstream_failed"],
    ["answering garbage", `${FAULTS}/service/garbage`, 502, "upstream_failed"],
    ["answering the wrong shape", `${FAULTS}/service/wrong-shape`, 502, "upstream_failed"],
    ["refusing the scope (403)", `${FAULTS}/service/403`, 502, "upstream_failed"],
  ])("answers %s with %i", async (_, url, status, code) => {
    const net = await network({ serviceBinding: false, bffVars: { MY_SERVICE_URL: url } });
    await expectProblem(await net.bff().fetch("/weatherforecast"), status, code);
  });

  it("answers 504 within its timeout when MyService is slow", async () => {
    const net = await network({ serviceBinding: false, bffVars: { MY_SERVICE_URL: `${FAULTS}/service/slow`, MY_SERVICE_TIMEOUT_MS: "500" } });
    const { response, ms } = await timed(net.bff().fetch("/weatherforecast"));
    await expectProblem(response, 504, "upstream_timeout");
    expect(ms).toBeLessThan(3_000);
  });

  it("names the scope problem in the logs on a 403", async () => {
    const net = await network({ serviceBinding: false, bffVars: { MY_SERVICE_URL: `${FAULTS}/service/403` } });
    await net.bff().fetch("/weatherforecast");
    await expect.poll(() => net.logs.some((line) => line.includes('"my_service_forbidden"') && line.includes("TOKEN_SCOPES"))).toBe(true);
  });

  it("retries a 401 once with a new token, never in a loop", async () => {
    const net = await network({ serviceBinding: false, bffVars: { MY_SERVICE_URL: `${FAULTS}/service/401` } });
    await expectProblem(await net.bff().fetch("/weatherforecast"), 502, "upstream_failed");
    expect((await net.faultHits())["service/401"]).toBe(2);
    expect(await net.tokenRequests()).toBe(2);
  });

  it("reaches MyService over HTTP (MY_SERVICE_URL) when there is no binding", async () => {
    const net = await network({ serviceBinding: false });
    expect((await net.bff().fetch("/weatherforecast")).status).toBe(200);
  });
});

describe("configuration", () => {
  it.each([
    "AUTH_SERVER_TOKEN_ENDPOINT_URL",
    "AUTH_SERVER_MYBFF_CLIENT_ID",
    "AUTH_SERVER_MYBFF_CLIENT_SECRET",
  ])("answers 500 misconfigured and names %s in the log when it is missing", async (variable) => {
    const net = await network({ bffVars: { [variable]: null } });
    const text = await expectProblem(await net.bff().fetch("/weatherforecast"), 500, "misconfigured");
    expect(text).not.toContain(variable);
    await expect.poll(() => net.logs.some((line) => line.includes('"bff_misconfigured"') && line.includes(variable))).toBe(true);
  });

  it("names MY_SERVICE_URL when there is neither it nor the binding", async () => {
    const net = await network({ serviceBinding: false, bffVars: { MY_SERVICE_URL: null } });
    await expectProblem(await net.bff().fetch("/weatherforecast"), 500, "misconfigured");
    await expect.poll(() => net.logs.some((line) => line.includes("MY_SERVICE_URL"))).toBe(true);
  });
});
