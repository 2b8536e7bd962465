/**
 * One client-credentials token request (RFC 6749 section 4.4) to a token endpoint
 * such as Cognito's `/oauth2/token`, with the answer checked before it is trusted.
 * @module
 */
import { TokenRequestError } from "../errors.ts";
import { isTimeout } from "../http/is-timeout.ts";
import { readBodyText } from "../http/read-body.ts";
import { JWT_BEARER_ASSERTION_TYPE } from "./client-assertion.ts";

export interface TokenEndpointOptions {
  /** The full token URL, e.g. `https://<domain>.auth.<region>.amazoncognito.com/oauth2/token`. Give this or `issuer`. */
  tokenEndpoint?: string;
  /**
   * The issuer URL, exactly as its metadata's `issuer`, instead of `tokenEndpoint`: the
   * token endpoint is read from its RFC 8414 or OpenID metadata on the first token
   * request (fetchIssuerMetadata), once per cache or coordinator. Not for GetClientToken.
   */
  issuer?: string;
  clientId: string;
  /** The client secret; not with `clientAuthentication: "private_key_jwt"`. */
  clientSecret?: string;
  /**
   * For `clientAuthentication: "private_key_jwt"`: the client's private key, a JWK
   * (`JSON.parse` of a secret): RSA (alg RS256, the default, or PS256) or EC P-256 (ES256).
   */
  privateKey?: JsonWebKey & { kid?: string };
  /** Scopes to ask for; an empty list asks for none (Cognito then grants every allowed scope). */
  scopes: readonly string[];
  /**
   * RFC 8707 resource indicators: the API (or APIs) the token is for, each an absolute
   * URI without a fragment, sent as `resource` parameters; the server then issues a
   * token whose `aud` names them. Not for GetClientToken.
   */
  resource?: string | readonly string[];
  /**
   * How a token is asked for: `oauth2` (default), the client-credentials grant at a
   * token endpoint such as Cognito's `/oauth2/token`; or `cognito_get_client_token`,
   * Cognito's GetClientToken API (get-client-token.ts), with `tokenEndpoint` the
   * pool Region's `https://cognito-idp.<region>.amazonaws.com/`.
   */
  tokenRequest?: "oauth2" | "cognito_get_client_token";
  /**
   * `basic` (default, client_secret_basic): `Authorization: Basic`; `body`
   * (client_secret_post): `client_id`/`client_secret` in the form; `private_key_jwt`:
   * a JWT signed with `privateKey` (client-assertion.ts), no secret sent.
   */
  clientAuthentication?: "basic" | "body" | "private_key_jwt";
  /** Abort one request (and each metadata fetch, with `issuer`) after this long. Default 5 s. */
  timeoutMs?: number;
  fetch?: (request: Request) => Promise<Response>;
}

/** The resources of `options.resource` as a list, each once (checked when the cache or coordinator was made). */
export function resourceList(resource: TokenEndpointOptions["resource"]): readonly string[] {
  if (resource === undefined) return [];
  return [...new Set(typeof resource === "string" ? [resource] : resource)];
}

/** What the token source settles before one request: where to send it, and the assertion when private_key_jwt. */
export interface TokenRequestTarget {
  tokenEndpoint: string;
  clientAssertion?: string;
}

export interface IssuedToken {
  accessToken: string;
  /** Milliseconds since the epoch. */
  obtainedAt: number;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export const TOKEN_REQUEST_TIMEOUT_MS = 5_000;
/**
 * The longest access token accepted: the verifier's `maxTokenBytes` default, so that
 * the cache never holds a token MyService would refuse unread, and the bound of a
 * sealed record in the store (sealed-store.ts) follows from it.
 */
export const MAX_ACCESS_TOKEN_BYTES = 8 * 1024;
/** No access token lives longer than this (Cognito's longest is a day): a longer `expires_in` is not believed. */
export const MAX_TOKEN_LIFETIME_MS = 7 * 24 * 3600_000;
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
/**
 * The `b64token` of RFC 6750 section 2.1, the syntax of a bearer token in an
 * `Authorization` header. A token with anything else (a CR or LF above all) could
 * not be sent: every request would fail until it expired, so it is refused here.
 */
export const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** RFC 6749 2.3.1: id and secret are form-urlencoded, then joined and base64-encoded. */
function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
  const bytes = new TextEncoder().encode(`${encode(clientId)}:${encode(clientSecret)}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

function buildRequest(options: TokenEndpointOptions, target: TokenRequestTarget, timeoutMs: number): Request {
  const form = new URLSearchParams({ grant_type: "client_credentials" });
  if (options.scopes.length > 0) form.set("scope", options.scopes.join(" "));
  for (const resource of resourceList(options.resource)) form.append("resource", resource);
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
    Accept: "application/json",
  };
  const method = options.clientAuthentication ?? "basic";
  if (method === "private_key_jwt") {
    if (target.clientAssertion === undefined) throw new Error("private_key_jwt without an assertion"); // the token source signs one
    // client_id is optional beside an assertion (RFC 7521 section 4.2), but some servers require it.
    form.set("client_id", options.clientId);
    form.set("client_assertion_type", JWT_BEARER_ASSERTION_TYPE);
    form.set("client_assertion", target.clientAssertion);
  } else if (method === "basic") {
    headers.Authorization = basicCredentials(options.clientId, options.clientSecret ?? "");
  } else {
    form.set("client_id", options.clientId);
    form.set("client_secret", options.clientSecret ?? "");
  }
  return new Request(target.tokenEndpoint, {
    method: "POST",
    headers,
    body: form.toString(),
    // Never followed: a 307/308 would replay the form, and with it the client secret
    // (in the body, or in the Authorization header on a same-origin hop), to the target.
    redirect: "manual",
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/** `Retry-After` as seconds (a number of seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

async function readJson(response: Response): Promise<unknown> {
  return JSON.parse(await readBodyText(response, MAX_TOKEN_RESPONSE_BYTES));
}

function invalid(message: string, status: number, cause?: unknown): TokenRequestError {
  return new TokenRequestError("TOKEN_RESPONSE_INVALID", message, { status, cause });
}

/**
 * Asks the token endpoint for a token, once: at `target.tokenEndpoint` (default
 * `options.tokenEndpoint`), with `target.clientAssertion` when private_key_jwt.
 * @throws {TokenRequestError} with a stable code; never holds the secret or a token
 */
export async function requestToken(
  options: TokenEndpointOptions,
  now: () => number = Date.now,
  target: TokenRequestTarget = { tokenEndpoint: options.tokenEndpoint ?? "" },
): Promise<IssuedToken> {
  const fetchImpl = options.fetch ?? ((request: Request) => fetch(request));
  const timeoutMs = options.timeoutMs ?? TOKEN_REQUEST_TIMEOUT_MS; // checked when the cache or coordinator was made
  const obtainedAt = now();
  let response: Response;
  try {
    response = await fetchImpl(buildRequest(options, target, timeoutMs));
  } catch (cause) {
    throw isTimeout(cause)
      ? new TokenRequestError("TOKEN_ENDPOINT_TIMEOUT", `the token endpoint did not answer within ${timeoutMs} ms`, { cause })
      : new TokenRequestError("TOKEN_ENDPOINT_UNREACHABLE", "the token endpoint could not be reached", { cause });
  }

  const status = response.status;
  if (status >= 300 && status < 400) {
    await response.body?.cancel();
    throw new TokenRequestError("TOKEN_ENDPOINT_REDIRECTED", `the token endpoint answered ${status} (a redirect, not followed)`, {
      status,
    });
  }
  if (status === 404 || status === 405) {
    await response.body?.cancel();
    // A URL with no token endpoint behind it: a configuration problem, never cured by retrying.
    throw new TokenRequestError("TOKEN_REQUEST_REJECTED", `the token endpoint answered ${status}: no token endpoint at this URL`, {
      status,
    });
  }
  if (status === 429 || status >= 500) {
    await response.body?.cancel();
    throw new TokenRequestError("TOKEN_ENDPOINT_UNAVAILABLE", `the token endpoint answered ${status}`, {
      status,
      retryAfterSeconds: parseRetryAfter(response.headers.get("Retry-After"), now()),
    });
  }

  let body: unknown;
  try {
    body = await readJson(response);
  } catch (cause) {
    if (isTimeout(cause)) {
      throw new TokenRequestError("TOKEN_ENDPOINT_TIMEOUT", `the token endpoint's answer did not arrive within ${timeoutMs} ms`, {
        status,
        cause,
      });
    }
    throw invalid(`the token endpoint answered ${status} with a body that is not JSON`, status, cause);
  }
  if (status !== 200) {
    const oauthError = (body as { error?: unknown } | null)?.error;
    const code = typeof oauthError === "string" && /^[\x20-\x7e]{1,64}$/.test(oauthError) ? oauthError : "unknown";
    throw new TokenRequestError("TOKEN_REQUEST_REJECTED", `the token endpoint refused the request: ${code}`, {
      status,
      oauthError: code,
    });
  }

  const { access_token: accessToken, expires_in: expiresIn, token_type: tokenType } = (body ?? {}) as Record<string, unknown>;
  if (typeof accessToken !== "string" || accessToken === "") throw invalid("the answer has no access_token", status);
  if (!BEARER_TOKEN.test(accessToken)) throw invalid("the answer's access_token has characters a bearer token may not have", status);
  if (typeof expiresIn !== "number" || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw invalid("the answer's expires_in is not a positive number", status);
  }
  if (typeof tokenType !== "string" || tokenType.toLowerCase() !== "bearer") {
    throw invalid("the answer's token_type is not Bearer", status);
  }
  return { accessToken, obtainedAt, expiresAt: obtainedAt + expiresIn * 1000 };
}
