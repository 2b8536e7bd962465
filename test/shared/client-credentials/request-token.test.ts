// One token request and its bounded retries, against a token endpoint that
// misbehaves on demand.
import { describe, expect, it } from "vitest";
import { requestToken, type TokenEndpointOptions } from "../../../shared/client-credentials/request-token";
import { type RetryOptions, tokenSource } from "../../../shared/client-credentials/token-source";
import { TokenRequestError } from "../../../shared/errors";
import { FakeTokenEndpoint } from "../../workerd/fake-token-endpoint";

const SECRET = "s3cr3t+/=:%&value";

function options(endpoint: FakeTokenEndpoint, extra: Partial<TokenEndpointOptions> = {}): TokenEndpointOptions {
  return {
    tokenEndpoint: "https://auth.example.com/oauth2/token",
    clientId: "client:with space",
    clientSecret: SECRET,
    scopes: ["MyService/weather_read", "Other/x"],
    fetch: endpoint.fetch,
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<TokenRequestError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(SECRET);
    return error as TokenRequestError;
  }
  throw new Error("the request succeeded");
}

describe("requestToken", () => {
  it("authenticates with Basic by default, form-urlencoding id and secret first (RFC 6749 2.3.1)", async () => {
    const endpoint = new FakeTokenEndpoint();
    const token = await requestToken(options(endpoint));
    expect(token.accessToken).toBe(endpoint.issued[0]);
    const [id, secret] = atob(endpoint.lastRequest!.authorization!.replace(/^Basic /, "")).split(":");
    expect(decodeURIComponent(id!.replace(/\+/g, " "))).toBe("client:with space");
    expect(decodeURIComponent(secret!.replace(/\+/g, " "))).toBe(SECRET);
    expect(Object.fromEntries(endpoint.lastRequest!.form)).toEqual({
      grant_type: "client_credentials",
      scope: "MyService/weather_read Other/x",
    });
  });

  it("can send the credentials in the body instead", async () => {
    const endpoint = new FakeTokenEndpoint();
    await requestToken(options(endpoint, { clientAuthentication: "body" }));
    expect(endpoint.lastRequest!.authorization).toBeNull();
    expect(endpoint.lastRequest!.form.get("client_secret")).toBe(SECRET);
  });

  it("gives the expiry from expires_in", async () => {
    const endpoint = new FakeTokenEndpoint();
    endpoint.expiresIn = 120;
    const token = await requestToken(options(endpoint), () => 1_000_000);
    expect(token).toMatchObject({ obtainedAt: 1_000_000, expiresAt: 1_120_000 });
  });

  it.each([
    ["garbage", "TOKEN_RESPONSE_INVALID"],
    ["no_token", "TOKEN_RESPONSE_INVALID"],
    ["mac_token", "TOKEN_RESPONSE_INVALID"],
    ["crlf_token", "TOKEN_RESPONSE_INVALID"],
    ["500", "TOKEN_ENDPOINT_UNAVAILABLE"],
    ["429", "TOKEN_ENDPOINT_UNAVAILABLE"],
    ["down", "TOKEN_ENDPOINT_UNREACHABLE"],
    ["invalid_client", "TOKEN_REQUEST_REJECTED"],
    ["redirect", "TOKEN_ENDPOINT_REDIRECTED"],
  ] as const)("maps a %s answer to %s", async (behaviour, code) => {
    const endpoint = new FakeTokenEndpoint();
    endpoint.behaviour = behaviour;
    expect((await failure(requestToken(options(endpoint)))).code).toBe(code);
  });

  it.each(["basic", "body"] as const)("never follows a redirect (%s client authentication)", async (clientAuthentication) => {
    const endpoint = new FakeTokenEndpoint();
    endpoint.behaviour = "redirect";
    const error = await failure(requestToken(options(endpoint, { clientAuthentication })));
    expect(error).toMatchObject({ code: "TOKEN_ENDPOINT_REDIRECTED", status: 307, retryable: false });
    expect(endpoint.lastRequest!.redirect).toBe("manual");
    expect(endpoint.calls).toBe(1);
  });

  it("reports invalid_client as a rejection that is not worth retrying", async () => {
    const endpoint = new FakeTokenEndpoint();
    endpoint.behaviour = "invalid_client";
    const error = await failure(requestToken(options(endpoint)));
    expect(error).toMatchObject({ oauthError: "invalid_client", status: 400, retryable: false });
  });

  it("reads Retry-After", async () => {
    const endpoint = new FakeTokenEndpoint();
    endpoint.behaviour = "429";
    endpoint.retryAfter = "7";
    expect((await failure(requestToken(options(endpoint)))).retryAfterSeconds).toBe(7);
  });

  it("gives up on a hanging endpoint after its timeout", async () => {
    const endpoint = new FakeTokenEndpoint();
    endpoint.behaviour = "hang";
    const started = Date.now();
    expect((await failure(requestToken(options(endpoint, { timeoutMs: 100 })))).code).toBe("TOKEN_ENDPOINT_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe("the token endpoint's edges, as GetClientToken's (issue 29, I3)", () => {
  const clock = { now: Date.now, random: Math.random };

  it("refuses an expires_in beyond 7 days, and a token over 8 KiB", async () => {
    const endpoint = new FakeTokenEndpoint();
    endpoint.expiresIn = 1e15;
    expect((await failure(tokenSource(options(endpoint), undefined, clock).request())).code).toBe("TOKEN_RESPONSE_INVALID");
    endpoint.expiresIn = 7 * 24 * 3600;
    await expect(tokenSource(options(endpoint), undefined, clock).request()).resolves.toHaveProperty("accessToken");
    const large = async () => Response.json({ access_token: "a".repeat(8 * 1024 + 1), expires_in: 3600, token_type: "Bearer" });
    expect((await failure(tokenSource({ ...options(endpoint), fetch: large }, undefined, clock).request())).code).toBe(
      "TOKEN_RESPONSE_INVALID",
    );
  });

  it("reports a timeout while reading the body as a timeout, not as a body that is not JSON", async () => {
    const slowBody = async (request: Request) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"access_token":'));
          request.signal.addEventListener("abort", () => controller.error(request.signal.reason));
        },
      });
      return new Response(body, { status: 200, headers: { "Content-Type": "application/json" } });
    };
    const thrown = await failure(requestToken({ ...options(new FakeTokenEndpoint()), fetch: slowBody, timeoutMs: 100 }));
    expect(thrown.code).toBe("TOKEN_ENDPOINT_TIMEOUT");
  });
});

/** The token source's request, retried as the cache and the coordinator retry it. */
const requestTokenWithRetries = (options: TokenEndpointOptions, retry: RetryOptions) =>
  tokenSource(options, retry, { now: Date.now, random: Math.random }).request();

describe("requestTokenWithRetries", () => {
  const fast = { baseDelayMs: 1, maxDelayMs: 2_000 };

  it("retries 5xx and unreachable, then succeeds", async () => {
    const endpoint = new FakeTokenEndpoint();
    endpoint.queue = ["500", "down"];
    const token = await requestTokenWithRetries(options(endpoint), fast);
    expect(token.accessToken).toBe(endpoint.issued[0]);
    expect(endpoint.calls).toBe(3);
  });

  it("stops after maxAttempts", async () => {
    const endpoint = new FakeTokenEndpoint();
    endpoint.behaviour = "500";
    expect((await failure(requestTokenWithRetries(options(endpoint), { ...fast, maxAttempts: 3 }))).code).toBe(
      "TOKEN_ENDPOINT_UNAVAILABLE",
    );
    expect(endpoint.calls).toBe(3);
  });

  it.each(["invalid_client", "garbage", "hang"] as const)("does not retry %s", async (behaviour) => {
    const endpoint = new FakeTokenEndpoint();
    endpoint.behaviour = behaviour;
    await failure(requestTokenWithRetries(options(endpoint, { timeoutMs: 50 }), fast));
    expect(endpoint.calls).toBe(1);
  });

  it("waits as long as Retry-After asks before retrying", async () => {
    const endpoint = new FakeTokenEndpoint();
    endpoint.queue = ["429"];
    endpoint.retryAfter = "1";
    const started = Date.now();
    await requestTokenWithRetries(options(endpoint), fast);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(endpoint.calls).toBe(2);
  });

  it("does not retry when Retry-After asks for longer than it may wait", async () => {
    const endpoint = new FakeTokenEndpoint();
    endpoint.behaviour = "429";
    endpoint.retryAfter = "120";
    expect((await failure(requestTokenWithRetries(options(endpoint), fast))).retryAfterSeconds).toBe(120);
    expect(endpoint.calls).toBe(1);
  });
});
