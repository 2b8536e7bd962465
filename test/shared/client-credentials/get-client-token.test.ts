// Cognito's GetClientToken as the token cache's second source, against a stand-in
// for the Cognito API that answers as the API reference documents (GetClientToken,
// ClientAuthenticationResultType, JSON 1.1 errors named by __type).
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ClientCredentialsTokenCache } from "../../../shared/client-credentials/client-credentials-token-cache";
import { requestClientToken } from "../../../shared/client-credentials/get-client-token";
import { isConfigurationRejection } from "../../../shared/client-credentials/token-backoff";
import { TokenRequestError } from "../../../shared/errors";
import { captureConsole } from "../../workerd/captured-work";

const SECRET = "the-client-secret";
const API = "https://cognito-idp.eu-west-1.amazonaws.com/";
const kv = () => (env as unknown as { TEST_KV: KVNamespace }).TEST_KV;

type Answer = { status: number; body: unknown; headers?: Record<string, string> };
let answer: Answer;
let seen: Request[];
let bodies: unknown[];
let logs: string[];

const fakeApi = async (request: Request): Promise<Response> => {
  seen.push(request);
  bodies.push(JSON.parse(await request.text()));
  return new Response(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body), {
    status: answer.status,
    headers: { "Content-Type": "application/x-amz-json-1.1", ...answer.headers },
  });
};
const ok = (token = `eyJ.${crypto.randomUUID()}.sig`): Answer => ({
  status: 200,
  body: { ClientAuthenticationResult: { AccessToken: token, ExpiresIn: 3600, TokenType: "Bearer" } },
});
const error = (type: string, status = 400): Answer => ({ status, body: { __type: type, message: "something" } });
const options = { tokenEndpoint: API, clientId: "mybff", clientSecret: SECRET, scopes: ["MyService/weather_read"], fetch: fakeApi };

beforeEach(async () => {
  for (const { name } of (await kv().list()).keys) await kv().delete(name);
  answer = ok();
  seen = [];
  bodies = [];
  logs = captureConsole();
});
afterEach(() => vi.restoreAllMocks());

async function failure(promise: Promise<unknown>): Promise<TokenRequestError> {
  const thrown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(thrown).toBeInstanceOf(TokenRequestError);
  return thrown as TokenRequestError;
}

describe("requestClientToken", () => {
  it("posts the documented request, unsigned, and reads the documented answer", async () => {
    answer = ok("eyJ.abc.def");
    const token = await requestClientToken(options, () => 1_000);
    expect(token).toEqual({ accessToken: "eyJ.abc.def", obtainedAt: 1_000, expiresAt: 1_000 + 3600_000 });
    const request = seen[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe(API);
    expect(request.headers.get("X-Amz-Target")).toBe("AWSCognitoIdentityProviderService.GetClientToken");
    expect(request.headers.get("Content-Type")).toBe("application/x-amz-json-1.1");
    expect(request.headers.get("Authorization")).toBeNull();
    expect(request.redirect).toBe("manual");
    expect(bodies[0]).toEqual({ ClientId: "mybff", Secret: SECRET, Scopes: ["MyService/weather_read"] });
  });

  it.each([
    ["NotAuthorizedException", 400, "TOKEN_REQUEST_REJECTED", true],
    ["ResourceNotFoundException", 400, "TOKEN_REQUEST_REJECTED", true],
    ["InvalidParameterException", 400, "TOKEN_REQUEST_REJECTED", true],
    ["OperationNotEnabledException", 400, "TOKEN_REQUEST_REJECTED", true],
    ["ForbiddenException", 403, "TOKEN_REQUEST_REJECTED", false],
    ["TooManyRequestsException", 400, "TOKEN_ENDPOINT_UNAVAILABLE", false],
    ["InternalErrorException", 500, "TOKEN_ENDPOINT_UNAVAILABLE", false],
    ["com.amazonaws.cognito#NotAuthorizedException", 400, "TOKEN_REQUEST_REJECTED", true],
  ] as const)("maps %s (%i) to %s", async (type, status, code, configuration) => {
    answer = error(type, status);
    const thrown = await failure(requestClientToken(options));
    expect(thrown.code).toBe(code);
    expect(thrown.oauthError).toBe(type.split("#").pop());
    expect(isConfigurationRejection(thrown)).toBe(configuration);
  });

  it.each([
    ["a body that is not JSON", { status: 200, body: "<html>" }],
    ["no ClientAuthenticationResult", { status: 200, body: { AccessToken: "abc" } }],
    ["an AccessToken with a CR/LF", ok("abc\r\nX-Injected: 1")],
    [
      "a TokenType that is not Bearer",
      { status: 200, body: { ClientAuthenticationResult: { AccessToken: "abc", ExpiresIn: 3600, TokenType: "mac" } } },
    ],
    ["no ExpiresIn", { status: 200, body: { ClientAuthenticationResult: { AccessToken: "abc", TokenType: "Bearer" } } }],
  ])("refuses %s as TOKEN_RESPONSE_INVALID", async (_, given) => {
    answer = given as Answer;
    expect((await failure(requestClientToken(options))).code).toBe("TOKEN_RESPONSE_INVALID");
  });

  it("follows no redirect: the secret is in the body", async () => {
    answer = { status: 307, body: "", headers: { Location: "https://elsewhere.example/" } };
    expect((await failure(requestClientToken(options))).code).toBe("TOKEN_ENDPOINT_REDIRECTED");
    expect(seen).toHaveLength(1);
  });
});

describe("the token cache on GetClientToken", () => {
  const isolate = () =>
    new ClientCredentialsTokenCache({ ...options, tokenRequest: "cognito_get_client_token", kv: kv(), retry: { baseDelayMs: 1 } });

  it("shares one token through KV and says which source served it", async () => {
    const first = await isolate().getToken();
    expect(await isolate().getToken()).toBe(first);
    expect(seen).toHaveLength(1);
    const requested = logs.map((line) => JSON.parse(line)).find((line) => line.event === "token_requested");
    expect(requested).toMatchObject({ source: "get_client_token" });
    for (const line of logs) expect(line).not.toContain(SECRET);
  });

  it("retries throttling, then backs off; a configuration fault is not retried", async () => {
    answer = error("TooManyRequestsException");
    expect((await failure(isolate().getToken())).code).toBe("TOKEN_ENDPOINT_UNAVAILABLE");
    expect(seen).toHaveLength(3);
    for (const { name } of (await kv().list()).keys) await kv().delete(name);
    answer = error("NotAuthorizedException");
    const thrown = await failure(isolate().getToken());
    expect(isConfigurationRejection(thrown)).toBe(true);
    expect(seen).toHaveLength(4);
    for (const line of logs) expect(line).not.toContain(SECRET);
  });
});

describe("GetClientToken's edges (issue 29, I3)", () => {
  const isolate = () =>
    new ClientCredentialsTokenCache({ ...options, tokenRequest: "cognito_get_client_token", kv: kv(), retry: { baseDelayMs: 1 } });

  it.each([
    ["ThrottlingException in __type", error("ThrottlingException")],
    ["a __type with a :suffix", error("com.amazonaws.cognito#TooManyRequestsException:http://internal.amazon.com/coral/")],
    [
      "a type only in x-amzn-ErrorType",
      { status: 400, body: {}, headers: { "x-amzn-ErrorType": "TooManyRequestsException:http://internal/" } },
    ],
  ] as const)("recognises throttling from %s, and retries it", async (_, given) => {
    answer = given as Answer;
    const thrown = await failure(requestClientToken(options));
    expect(thrown.code).toBe("TOKEN_ENDPOINT_UNAVAILABLE");
    expect(thrown.retryable).toBe(true);
    expect((await failure(isolate().getToken())).code).toBe("TOKEN_ENDPOINT_UNAVAILABLE");
    expect(seen).toHaveLength(1 + 3);
  });

  it("retries a 429 whose body is not JSON, honouring Retry-After, as the token endpoint's", async () => {
    answer = { status: 429, body: "Rate exceeded", headers: { "Content-Type": "text/plain", "Retry-After": "7" } };
    const thrown = await failure(requestClientToken(options));
    expect(thrown).toMatchObject({ code: "TOKEN_ENDPOINT_UNAVAILABLE", status: 429, retryAfterSeconds: 7 });
    expect(thrown.retryable).toBe(true);
  });

  it("refuses an ExpiresIn beyond 7 days, as the coordinator's replies", async () => {
    answer = { status: 200, body: { ClientAuthenticationResult: { AccessToken: "abc", ExpiresIn: 1e15, TokenType: "Bearer" } } };
    expect((await failure(isolate().getToken())).code).toBe("TOKEN_RESPONSE_INVALID");
    expect(await kv().list()).toMatchObject({ keys: [{ name: expect.stringMatching(/^cc-backoff\//) }] });
  });

  it("refuses an AccessToken over 8 KiB, which MyService would refuse unread", async () => {
    answer = ok(`eyJ.${"a".repeat(60 * 1024)}.sig`);
    expect((await failure(isolate().getToken())).code).toBe("TOKEN_RESPONSE_INVALID");
    for (const { name } of (await kv().list()).keys) await kv().delete(name); // the back-off it started
    answer = ok(`eyJ.${"a".repeat(8 * 1024 - 8)}.sig`);
    await expect(isolate().getToken()).resolves.toHaveLength(8 * 1024);
  });

  it("reports a timeout while reading the body as a timeout, not as a body that is not JSON", async () => {
    const slowBody = async (request: Request) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"ClientAuthenticationResult":'));
          request.signal.addEventListener("abort", () => controller.error(request.signal.reason));
        },
      });
      return new Response(body, { status: 200, headers: { "Content-Type": "application/x-amz-json-1.1" } });
    };
    const thrown = await failure(requestClientToken({ ...options, fetch: slowBody, timeoutMs: 100 }));
    expect(thrown.code).toBe("TOKEN_ENDPOINT_TIMEOUT");
  });
});
