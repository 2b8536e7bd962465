/**
 * Where the token cache and the coordinator get a token when they hold none: the
 * OAuth 2.0 token endpoint (request-token.ts, RFC 6749 section 4.4, the default) or
 * Cognito's GetClientToken (get-client-token.ts), behind one interface, each request
 * retried a bounded number of times when the endpoint is unreachable, overloaded
 * (429) or failing (5xx), with exponential backoff, jitter and `Retry-After`
 * honoured. Rejections (`invalid_client` and other 4xx) and timeouts are not
 * retried: the first is a configuration problem, and a timeout has already spent
 * the caller's patience.
 *
 * Before each request the source settles where it goes and how the client proves who
 * it is: given an `issuer`, the token endpoint is read from the issuer's metadata once
 * (and again only after a failure, within the caller's back-off); with
 * `private_key_jwt`, a fresh client assertion is signed for that endpoint.
 * @module
 */
import { fetchIssuerMetadata } from "../discovery/issuer-metadata.ts";
import { ConfigError, DiscoveryError, TokenRequestError } from "../errors.ts";
import { numberOption, urlOption } from "../options.ts";
import { ClientAssertionSigner } from "./client-assertion.ts";
import { requestClientToken } from "./get-client-token.ts";
import {
  type IssuedToken,
  MAX_ACCESS_TOKEN_BYTES,
  MAX_TOKEN_LIFETIME_MS,
  requestToken,
  type TokenEndpointOptions,
  type TokenRequestTarget,
} from "./request-token.ts";
import { backOffDelayMs } from "./token-backoff.ts";

export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** First backoff; then up to twice as long each time, with jitter (token-backoff.ts's formula). Default 200 ms. */
  baseDelayMs?: number;
  /** No wait longer than this, `Retry-After` included; a longer `Retry-After` ends the retries. Default 2 s. */
  maxDelayMs?: number;
}

/**
 * The retry options with their defaults, checked.
 * @throws {ConfigError} for a value that is not a whole number in range
 */
function checkRetryOptions(retry: RetryOptions = {}): Required<RetryOptions> {
  return {
    maxAttempts: numberOption("retry.maxAttempts", retry.maxAttempts, 3, { min: 1, max: 10 }),
    baseDelayMs: numberOption("retry.baseDelayMs", retry.baseDelayMs, 200),
    maxDelayMs: numberOption("retry.maxDelayMs", retry.maxDelayMs, 2_000),
  };
}

export interface TokenSource {
  /** Which source this is, for the log lines. */
  readonly kind: "token_endpoint" | "get_client_token";
  /**
   * One token, with at most `retry.maxAttempts` attempts (one with `once`).
   * @throws {TokenRequestError} with a stable code; never holds the secret or a token
   */
  request(once?: boolean): Promise<IssuedToken>;
}

/**
 * The bounds both sources share: a token no longer than the verifier's default
 * `maxTokenBytes` (a longer one would be refused unread by the resource server on
 * every request until it expired), living at most 7 days (as the coordinator's replies).
 * @throws {TokenRequestError} `TOKEN_RESPONSE_INVALID`, not retried
 */
function checkBounds(token: IssuedToken): IssuedToken {
  if (token.accessToken.length > MAX_ACCESS_TOKEN_BYTES) {
    throw new TokenRequestError("TOKEN_RESPONSE_INVALID", `the access token is longer than ${MAX_ACCESS_TOKEN_BYTES} bytes`);
  }
  if (token.expiresAt - token.obtainedAt > MAX_TOKEN_LIFETIME_MS) {
    throw new TokenRequestError("TOKEN_RESPONSE_INVALID", "the token's lifetime is longer than 7 days");
  }
  return token;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The issuer's `token_endpoint`, as a token request failure when it cannot be had: an
 * unreachable or failing metadata URL may be retried; metadata for another issuer, or
 * without a token endpoint under the library's URL rule, is a rejection (configuration).
 */
async function discoverTokenEndpoint(options: TokenEndpointOptions & { issuer: string }): Promise<string> {
  try {
    const metadata = await fetchIssuerMetadata(options.issuer, { timeoutMs: options.timeoutMs, fetch: options.fetch });
    if (metadata.token_endpoint === undefined) throw new ConfigError("the issuer's metadata names no token_endpoint", "issuer");
    return urlOption("token_endpoint", metadata.token_endpoint).href;
  } catch (cause) {
    if (cause instanceof DiscoveryError) {
      throw new TokenRequestError("TOKEN_ENDPOINT_UNREACHABLE", `the token endpoint could not be discovered: ${cause.message}`, { cause });
    }
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new TokenRequestError("TOKEN_REQUEST_REJECTED", `the token endpoint could not be discovered: ${message}`, { cause });
  }
}

/**
 * The source `options.tokenRequest` names, with `retry` checked once, here.
 * @throws {ConfigError} for a bad retry option
 */
export function tokenSource(
  options: TokenEndpointOptions,
  retry: RetryOptions | undefined,
  clock: { now: () => number; random: () => number },
): TokenSource {
  const getClientToken = options.tokenRequest === "cognito_get_client_token";
  const requestOnce = getClientToken ? requestClientToken : requestToken;
  const { maxAttempts, baseDelayMs, maxDelayMs } = checkRetryOptions(retry);
  const signer =
    options.clientAuthentication === "private_key_jwt" && options.privateKey ? new ClientAssertionSigner(options.privateKey) : null;
  let discovered: Promise<string> | undefined;
  const endpoint = (): Promise<string> => {
    const { tokenEndpoint, issuer } = options;
    if (tokenEndpoint !== undefined || issuer === undefined) return Promise.resolve(tokenEndpoint ?? "");
    // Once per source; a failure is forgotten, so that the next request (after the back-off) asks again.
    discovered ??= discoverTokenEndpoint({ ...options, issuer }).catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
    return discovered;
  };
  const target = async (): Promise<TokenRequestTarget> => {
    const tokenEndpoint = await endpoint();
    if (!signer) return { tokenEndpoint };
    return { tokenEndpoint, clientAssertion: await signer.sign(options.clientId, tokenEndpoint, clock.now()) };
  };
  return {
    kind: getClientToken ? "get_client_token" : "token_endpoint",
    async request(once = false) {
      for (let attempt = 1; ; attempt++) {
        try {
          return checkBounds(await requestOnce(options, clock.now, await target()));
        } catch (error) {
          if (!(error instanceof TokenRequestError) || !error.retryable || once || attempt >= maxAttempts) throw error;
          // The cache's back-off formula, one step behind: the first retry waits the base.
          const backoff = backOffDelayMs(attempt - 1, baseDelayMs, Math.max(baseDelayMs, maxDelayMs), clock.random);
          const asked = (error.retryAfterSeconds ?? 0) * 1000;
          if (asked > maxDelayMs) throw error; // the endpoint asks for longer than we may wait
          await sleep(Math.max(backoff, asked));
        }
      }
    },
  };
}
