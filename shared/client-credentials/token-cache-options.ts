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
import { assertionAlgorithm } from "./client-assertion.ts";
import type { TokenCoordinatorClient } from "./coordinator-client.ts";
import { resourceList, TOKEN_REQUEST_TIMEOUT_MS, type TokenEndpointOptions } from "./request-token.ts";
import { tokenStoreKey } from "./sealed-store.ts";
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
  const getClientToken = options.tokenRequest === "cognito_get_client_token";
  if ((options.tokenEndpoint === undefined) === (options.issuer === undefined)) {
    throw new ConfigError("give exactly one of tokenEndpoint and issuer (whose metadata names the token endpoint)", "tokenEndpoint");
  }
  if (options.issuer !== undefined) {
    urlOption("issuer", options.issuer);
    if (getClientToken) throw new ConfigError("issuer does not apply to GetClientToken: give its tokenEndpoint", "issuer");
  } else {
    urlOption("tokenEndpoint", options.tokenEndpoint);
  }
  if (typeof options.clientId !== "string" || options.clientId === "") throw new ConfigError("clientId is required", "clientId");
  const method = options.clientAuthentication;
  if (method !== undefined && method !== "basic" && method !== "body" && method !== "private_key_jwt") {
    throw new ConfigError("clientAuthentication must be basic, body or private_key_jwt", "clientAuthentication");
  }
  if (method === "private_key_jwt") {
    if (getClientToken) throw new ConfigError("GetClientToken takes a client secret, not private_key_jwt", "clientAuthentication");
    if (options.clientSecret !== undefined)
      throw new ConfigError("clientSecret is not sent with private_key_jwt: leave it out", "clientSecret");
    assertionAlgorithm(options.privateKey);
  } else {
    if (typeof options.clientSecret !== "string" || options.clientSecret === "")
      throw new ConfigError("clientSecret is required", "clientSecret");
    if (options.privateKey !== undefined) {
      throw new ConfigError('privateKey is used only with clientAuthentication: "private_key_jwt"', "privateKey");
    }
  }
  if (!Array.isArray(options.scopes) || !options.scopes.every((scope) => typeof scope === "string" && scope !== "")) {
    throw new ConfigError("scopes must be a list of scope names", "scopes");
  }
  checkResources(options.resource, getClientToken);
  if (options.tokenRequest !== undefined && options.tokenRequest !== "oauth2" && !getClientToken) {
    throw new ConfigError("tokenRequest must be oauth2 or cognito_get_client_token", "tokenRequest");
  }
  numberOption("timeoutMs", options.timeoutMs, TOKEN_REQUEST_TIMEOUT_MS, { min: 1 });
}

/** RFC 8707 section 2: each resource an absolute URI with no fragment; at least one when given. */
function checkResources(resource: unknown, getClientToken: boolean): void {
  if (resource === undefined) return;
  if (getClientToken) throw new ConfigError("resource is not supported by GetClientToken", "resource");
  const list: unknown[] = typeof resource === "string" ? [resource] : Array.isArray(resource) ? resource : [];
  const absolute = (value: unknown) => {
    // Written as sent: no whitespace or control characters, which the URL parser would drop or encode.
    if (typeof value !== "string" || !/^[\x21-\x7e]+$/.test(value) || value.includes("#")) return false;
    return URL.canParse(value);
  };
  if (list.length === 0 || !list.every(absolute)) {
    throw new ConfigError("resource must be an absolute URI without a fragment, or a list of them (RFC 8707)", "resource");
  }
}

/**
 * The secret the sealed store derives its keys from: the client secret, or with
 * private_key_jwt (no client secret) the private key's `d` (the RSA private exponent
 * or the EC private scalar, base64url), which only the key's holder has. It goes into
 * HKDF-SHA-256 as keying material, as the secret does (sealed-store.ts); the records
 * sealed with it cannot be read without the key, and a rotated key makes them
 * unreadable, as a rotated secret does.
 */
export function sealingSecret(options: TokenEndpointOptions): string {
  return options.clientSecret ?? `private_key_jwt:${options.privateKey?.d ?? ""}`;
}

/** The KV key of these options' token: the cache and the coordinator must agree on it. */
export function storeKeyFor(options: TokenEndpointOptions): Promise<string> {
  return tokenStoreKey(
    options.tokenEndpoint ?? options.issuer ?? "",
    options.clientId,
    options.scopes,
    sealingSecret(options),
    resourceList(options.resource),
  );
}
