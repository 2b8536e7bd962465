/**
 * A machine token from Cognito's GetClientToken, the second token source beside the
 * OAuth token endpoint: `POST https://cognito-idp.<region>.amazonaws.com/` with
 * `X-Amz-Target: AWSCognitoIdentityProviderService.GetClientToken` and the body
 * `{"ClientId","Secret","Scopes"}`; no user pool domain is needed. Sent unsigned:
 * "Amazon Cognito doesn't evaluate Identity and Access Management (IAM) policies in
 * requests for this API operation" (AWS CLI reference, get-client-token:
 * https://docs.aws.amazon.com/cli/latest/reference/cognito-idp/get-client-token.html);
 * that is the documentation's word, not something tested against AWS here.
 * The answer is `{"ClientAuthenticationResult":{"AccessToken","ExpiresIn","TokenType"}}`
 * (API reference, ClientAuthenticationResultType:
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ClientAuthenticationResultType.html);
 * anything else is a failure, not a token. Errors are JSON 1.1 errors named by
 * `x-amzn-ErrorType` or `__type`, mapped by name rather than by status (the JSON
 * protocol answers most client errors, throttling included, with 400); a 429 or a 5xx
 * is a failure a retry may cure whatever its body.
 * @module
 */
import { TokenRequestError } from "../errors.ts";
import { isTimeout } from "../http/is-timeout.ts";
import { readBodyText } from "../http/read-body.ts";
import {
  BEARER_TOKEN,
  type IssuedToken,
  parseRetryAfter,
  TOKEN_REQUEST_TIMEOUT_MS,
  type TokenEndpointOptions,
  type TokenRequestTarget,
} from "./request-token.ts";

const TARGET = "AWSCognitoIdentityProviderService.GetClientToken";
const MAX_RESPONSE_BYTES = 64 * 1024;
/** Errors a retry may cure: throttling (by either name AWS uses) and Cognito's own failures. */
const TRANSIENT = new Set(["TooManyRequestsException", "ThrottlingException", "InternalErrorException"]);
const ERROR_NAME = /^[A-Za-z]{1,64}$/;

/**
 * The exception's name: from the `x-amzn-ErrorType` header, else the body's `__type`,
 * as AWS's SDKs read it. Either may carry a URI after a `:` and a namespace before a
 * `#`: the SDKs keep what is before the first `:`, then what is after the `#` (aws-sdk-go-v2,
 * restjson.SanitizeErrorCode: https://pkg.go.dev/github.com/aws/aws-sdk-go-v2/aws/protocol/restjson).
 */
function errorName(body: unknown, headers: Headers): string {
  const type = (body as { __type?: unknown } | null)?.__type;
  const raw = headers.get("x-amzn-ErrorType") ?? (typeof type === "string" ? type : "");
  const code = raw.split(":")[0]!;
  const name = code.slice(code.indexOf("#") + 1);
  return ERROR_NAME.test(name) ? name : "unknown";
}

/**
 * Asks GetClientToken for a token, once. `options.tokenEndpoint` is the Cognito API
 * endpoint of the pool's Region; `clientAuthentication` does not apply.
 * @throws {TokenRequestError} with a stable code (the exception's name as `oauthError`); never holds the secret or a token
 */
export async function requestClientToken(
  options: TokenEndpointOptions,
  now: () => number = Date.now,
  target: TokenRequestTarget = { tokenEndpoint: options.tokenEndpoint ?? "" },
): Promise<IssuedToken> {
  const fetchImpl = options.fetch ?? ((request: Request) => fetch(request));
  const timeoutMs = options.timeoutMs ?? TOKEN_REQUEST_TIMEOUT_MS; // checked when the cache or coordinator was made
  const body: Record<string, unknown> = { ClientId: options.clientId, Secret: options.clientSecret };
  if (options.scopes.length > 0) body.Scopes = [...options.scopes];
  const obtainedAt = now();
  let response: Response;
  try {
    response = await fetchImpl(
      new Request(target.tokenEndpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET },
        body: JSON.stringify(body),
        redirect: "manual", // the secret is in the body: never replayed to another host
        signal: AbortSignal.timeout(timeoutMs),
      }),
    );
  } catch (cause) {
    throw isTimeout(cause)
      ? new TokenRequestError("TOKEN_ENDPOINT_TIMEOUT", `GetClientToken did not answer within ${timeoutMs} ms`, { cause })
      : new TokenRequestError("TOKEN_ENDPOINT_UNREACHABLE", "GetClientToken could not be reached", { cause });
  }
  const status = response.status;
  if (status >= 300 && status < 400) {
    await response.body?.cancel();
    throw new TokenRequestError("TOKEN_ENDPOINT_REDIRECTED", `GetClientToken answered ${status} (a redirect, not followed)`, { status });
  }
  if (status === 404 || status === 405) {
    await response.body?.cancel();
    throw new TokenRequestError("TOKEN_REQUEST_REJECTED", `GetClientToken answered ${status}: no Cognito API at this URL`, { status });
  }
  const retryAfterSeconds = parseRetryAfter(response.headers.get("Retry-After"), now());
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readBodyText(response, MAX_RESPONSE_BYTES));
  } catch (cause) {
    if (isTimeout(cause)) {
      throw new TokenRequestError("TOKEN_ENDPOINT_TIMEOUT", `GetClientToken's answer did not arrive within ${timeoutMs} ms`, {
        status,
        cause,
      });
    }
    // A 429 from a proxy or the edge has no JSON body: throttling, as the token endpoint's.
    if (status >= 500 || status === 429) {
      throw new TokenRequestError("TOKEN_ENDPOINT_UNAVAILABLE", `GetClientToken answered ${status}`, { status, retryAfterSeconds });
    }
    throw new TokenRequestError("TOKEN_RESPONSE_INVALID", `GetClientToken answered ${status} with a body that is not JSON`, {
      status,
      cause,
    });
  }
  if (status !== 200) {
    const name = errorName(parsed, response.headers);
    if (status >= 500 || status === 429 || TRANSIENT.has(name)) {
      throw new TokenRequestError("TOKEN_ENDPOINT_UNAVAILABLE", `GetClientToken failed: ${name}`, {
        status,
        oauthError: name,
        retryAfterSeconds,
      });
    }
    throw new TokenRequestError("TOKEN_REQUEST_REJECTED", `GetClientToken refused the request: ${name}`, { status, oauthError: name });
  }
  const result = (parsed as { ClientAuthenticationResult?: unknown } | null)?.ClientAuthenticationResult;
  const { AccessToken: accessToken, ExpiresIn: expiresIn, TokenType: tokenType } = (result ?? {}) as Record<string, unknown>;
  const invalid = (message: string) => new TokenRequestError("TOKEN_RESPONSE_INVALID", message, { status });
  if (typeof accessToken !== "string" || !BEARER_TOKEN.test(accessToken))
    throw invalid("the answer has no AccessToken a bearer token can be");
  if (typeof expiresIn !== "number" || !Number.isInteger(expiresIn) || expiresIn <= 0)
    throw invalid("the answer's ExpiresIn is not a positive whole number");
  if (typeof tokenType !== "string" || tokenType.toLowerCase() !== "bearer") throw invalid("the answer's TokenType is not Bearer");
  return { accessToken, obtainedAt, expiresAt: obtainedAt + expiresIn * 1000 };
}
