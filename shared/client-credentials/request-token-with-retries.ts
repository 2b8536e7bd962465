/**
 * Token requests retried a bounded number of times when the endpoint is
 * unreachable, overloaded (429) or failing (5xx), with exponential backoff, jitter
 * and `Retry-After` honoured, all within one deadline. Rejections (`invalid_client`
 * and other 4xx) and timeouts are not retried: the first is a configuration
 * problem, and a timeout has already spent the caller's patience.
 * @module
 */
import { TokenRequestError } from "../errors.ts";
import { numberOption } from "../options.ts";
import { type IssuedToken, requestToken, type TokenEndpointOptions } from "./request-token.ts";
import { backOffDelayMs } from "./token-backoff.ts";

export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** First backoff; then up to twice as long each time, with jitter (token-backoff.ts's formula). Default 200 ms. */
  baseDelayMs?: number;
  /** No wait longer than this, `Retry-After` included; a longer `Retry-After` ends the retries. Default 2 s. */
  maxDelayMs?: number;
}

const TOKEN_REQUEST_MAX_ATTEMPTS = 3;
const TOKEN_RETRY_BASE_DELAY_MS = 200;
const TOKEN_RETRY_MAX_DELAY_MS = 2_000;

/**
 * The retry options with their defaults, checked.
 * @throws {ConfigError} for a value that is not a whole number in range
 */
export function checkRetryOptions(retry: RetryOptions): Required<RetryOptions> {
  return {
    maxAttempts: numberOption("retry.maxAttempts", retry.maxAttempts, TOKEN_REQUEST_MAX_ATTEMPTS, { min: 1, max: 10 }),
    baseDelayMs: numberOption("retry.baseDelayMs", retry.baseDelayMs, TOKEN_RETRY_BASE_DELAY_MS),
    maxDelayMs: numberOption("retry.maxDelayMs", retry.maxDelayMs, TOKEN_RETRY_MAX_DELAY_MS),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function requestTokenWithRetries(
  options: TokenEndpointOptions,
  retry: RetryOptions = {},
  clock: { now?: () => number; random?: () => number } = {},
  once: (options: TokenEndpointOptions, now?: () => number) => Promise<IssuedToken> = requestToken,
): Promise<IssuedToken> {
  const { maxAttempts, baseDelayMs, maxDelayMs } = checkRetryOptions(retry);
  const random = clock.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(options, clock.now);
    } catch (error) {
      if (!(error instanceof TokenRequestError) || !error.retryable || attempt >= maxAttempts) throw error;
      // The cache's back-off formula, one step behind: the first retry waits the base.
      const backoff = backOffDelayMs(attempt - 1, baseDelayMs, Math.max(baseDelayMs, maxDelayMs), random);
      const asked = (error.retryAfterSeconds ?? 0) * 1000;
      if (asked > maxDelayMs) throw error; // the endpoint asks for longer than we may wait
      await sleep(Math.max(backoff, asked));
    }
  }
}
