/**
 * The token cache's options, and their checks, made once when the cache is created:
 * a missing or bad option is a ConfigError that names it. The checks of where tokens
 * come from and as whom are shared with the token coordinator, so that both refuse
 * the same mistakes: a missing client id or secret, or an endpoint outside the
 * library's URL rule (urlOption), which would send the client secret in the clear,
 * or to a host that is not the authorization server.
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { KeyValueStore } from "../key-value-store.ts";
import { jsonLineLogger, type Logger } from "../log.ts";
import { numberOption, urlOption } from "../options.ts";
import type { TokenCoordinatorClient } from "./coordinator-client.ts";
import { TOKEN_REQUEST_TIMEOUT_MS, type TokenEndpointOptions } from "./request-token.ts";
import type { RetryOptions } from "./token-source.ts";

export interface ClientCredentialsTokenCacheOptions extends TokenEndpointOptions {
  /** The shared store, or `null` to keep tokens in isolate memory only (said explicitly). */
  kv: KeyValueStore | null;
  /** Never hand out a token this close to its expiry. Default and minimum 60. */
  safetyMarginSeconds?: number;
  /** Give up on a KV read or write after this long. Default 1 s. */
  kvTimeoutMs?: number;
  /** Retries within one call; used only while no failure is remembered. */
  retry?: RetryOptions;
  backOff?: BackOffOptions;
  /** The token coordinator (`coordinatorClient`), or null/absent: KV alone. */
  coordinator?: TokenCoordinatorClient | null;
  /** Where events go. Default: JSON lines at `info` and above (`jsonLineLogger()`). */
  logger?: Logger;
  /** Milliseconds since the epoch. @internal */
  now?: () => number;
  /** @internal */
  random?: () => number;
}

/** How long no token is requested after a failure. */
export interface BackOffOptions {
  /** The shortest back-off (after the first failure: 1 to 2 times this). Default 1,000 ms. */
  baseDelayMs?: number;
  /** The longest back-off, and so the longest wait after the endpoint recovers. Default 60,000 ms. */
  maxDelayMs?: number;
}

export interface GetTokenOptions {
  /** `ctx.waitUntil`, for the background renewal. Without it the renewal is skipped. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /**
   * Where this isolate runs (`request.cf.colo` on Workers). With it, the renewal point
   * is drawn from the location and the token instead of at random, so that locations
   * renew one after another rather than together.
   */
  location?: string;
}

export interface TokenFetchOptions extends GetTokenOptions {
  /** What sends the request (a service binding's `fetch`, say). Default: the global `fetch`. */
  fetch?: (request: Request) => Promise<Response>;
}

const MIN_SAFETY_MARGIN_SECONDS = 60;
/** The first back-off: about a second. */
const BACKOFF_BASE_MS = 1_000;
/** No back-off is longer: time from the endpoint's recovery to the first token is at most this. */
const BACKOFF_MAX_MS = 60_000;
const KV_TIMEOUT_MS = 1_000;
/** The longest back-off a cache may be given: an hour. */
const MAX_BACKOFF_CAP_MS = 3_600_000;

/** The options as the cache uses them, checked and with their defaults. */
export interface CacheSettings {
  marginMs: number;
  kvTimeoutMs: number;
  backOffBaseMs: number;
  backOffMaxMs: number;
  logger: Logger;
  now: () => number;
  random: () => number;
}

/**
 * @throws {ConfigError} naming the first missing or bad option
 */
export function checkCacheOptions(options: ClientCredentialsTokenCacheOptions): CacheSettings {
  checkTokenEndpointOptions(options);
  if (options.kv === undefined) {
    throw new ConfigError("kv is required (null keeps tokens in isolate memory only)", "kv");
  }
  const marginSeconds = numberOption("safetyMarginSeconds", options.safetyMarginSeconds, MIN_SAFETY_MARGIN_SECONDS, {
    min: MIN_SAFETY_MARGIN_SECONDS,
  });
  const backOffBaseMs = numberOption("backOff.baseDelayMs", options.backOff?.baseDelayMs, BACKOFF_BASE_MS, { min: 1 });
  const backOffMaxMs = numberOption("backOff.maxDelayMs", options.backOff?.maxDelayMs, BACKOFF_MAX_MS, {
    min: backOffBaseMs,
    max: MAX_BACKOFF_CAP_MS,
  });
  const coordinator = options.coordinator;
  if (coordinator !== undefined && coordinator !== null && typeof coordinator.token !== "function") {
    throw new ConfigError("coordinator must be a coordinatorClient (with a token method), or null", "coordinator");
  }
  if (options.logger !== undefined && typeof options.logger !== "function") throw new ConfigError("logger must be a function", "logger");
  return {
    marginMs: marginSeconds * 1000,
    kvTimeoutMs: numberOption("kvTimeoutMs", options.kvTimeoutMs, KV_TIMEOUT_MS, { min: 1 }),
    backOffBaseMs,
    backOffMaxMs,
    logger: options.logger ?? jsonLineLogger(),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  };
}

/**
 * Checks the options of a token request once, when the object that makes them is created.
 * @throws {ConfigError} naming the first bad option
 */
export function checkTokenEndpointOptions(options: TokenEndpointOptions): void {
  urlOption("tokenEndpoint", options.tokenEndpoint);
  for (const name of ["clientId", "clientSecret"] as const) {
    if (typeof options[name] !== "string" || options[name] === "") throw new ConfigError(`${name} is required`, name);
  }
  if (!Array.isArray(options.scopes) || !options.scopes.every((scope) => typeof scope === "string" && scope !== "")) {
    throw new ConfigError("scopes must be a list of scope names", "scopes");
  }
  if (options.clientAuthentication !== undefined && options.clientAuthentication !== "basic" && options.clientAuthentication !== "body") {
    throw new ConfigError("clientAuthentication must be basic or body", "clientAuthentication");
  }
  if (options.tokenRequest !== undefined && options.tokenRequest !== "oauth2" && options.tokenRequest !== "cognito_get_client_token") {
    throw new ConfigError("tokenRequest must be oauth2 or cognito_get_client_token", "tokenRequest");
  }
  numberOption("timeoutMs", options.timeoutMs, TOKEN_REQUEST_TIMEOUT_MS, { min: 1 });
}
