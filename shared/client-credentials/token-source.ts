/**
 * Where the token cache and the coordinator get a token when they hold none: the
 * OAuth 2.0 token endpoint (request-token.ts, RFC 6749 section 4.4, the default) or
 * Cognito's GetClientToken (get-client-token.ts), behind one interface, each request
 * retried a bounded number of times when the endpoint is unreachable, overloaded
 * (429) or failing (5xx), with exponential backoff, jitter and `Retry-After`
 * honoured. Rejections (`invalid_client` and other 4xx) and timeouts are not
 * retried: the first is a configuration problem, and a timeout has already spent
 * the caller's patience.
 * @module
 */
import { TokenRequestError } from "../errors.ts";
import { numberOption } from "../options.ts";
import { requestClientToken } from "./get-client-token.ts";
import {
  type IssuedToken,
  MAX_ACCESS_TOKEN_BYTES,
  MAX_TOKEN_LIFETIME_MS,
  requestToken,
  type TokenEndpointOptions,
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
  return {
    kind: getClientToken ? "get_client_token" : "token_endpoint",
    async request(once = false) {
      for (let attempt = 1; ; attempt++) {
        try {
          return checkBounds(await requestOnce(options, clock.now));
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
