/**
 * The token cache's memory of failure: after a failed token request (or a fresh
 * token the resource server refused), no new token request until a back-off period
 * ends. The period grows exponentially with each consecutive failure, with full
 * jitter between the base and the ceiling, up to a cap, so that isolates which fail
 * together do not come back together. It is shared through KV, beside the token,
 * so that other isolates (and new ones) wait too instead of adding to the load on
 * an endpoint that is already failing or throttling.
 *
 * Storage layout (the token's namespace, e.g. `TOKEN_CACHE`):
 *   key    `cc-backoff/v1/<the same hash as the token's key>` (see encrypted-token-store.ts)
 *   value  JSON `{"v":1,"kind","code","step","until","status"?,"oauthError"?}`:
 *          `kind` "token_endpoint" (the endpoint failed) or "refused" (the resource
 *          server refused a fresh token); `code` the TokenRequestFailureCode;
 *          `step` the number of consecutive failures (1, 2, ...); `until` the end of
 *          the back-off in milliseconds since the epoch; `status` and `oauthError`
 *          as the endpoint answered. No token and no secret.
 *   TTL    `expirationTtl` = seconds until `until`, never below KV's 60 s.
 * Readers honour a record only while `until` is ahead (and never further ahead than
 * the cap), and a usable token in KV always wins over it: a write that failed, or a
 * record left behind by a race, delays no good token. Whoever gets a token deletes it.
 * @module
 */
import { TokenRequestError, type TokenRequestFailureCode } from "../errors.ts";
import type { KeyValueStore } from "../key-value-store.ts";
import { KV_MIN_TTL_SECONDS } from "./encrypted-token-store.ts";

/** The first back-off: about a second. */
export const TOKEN_BACKOFF_BASE_MS = 1_000;
/** No back-off is longer: time from the endpoint's recovery to the first token is at most this. */
export const TOKEN_BACKOFF_MAX_MS = 60_000;

const KEY_PREFIX = "cc-backoff/v1/";
const OAUTH_ERROR = /^[\x20-\x7e]{1,64}$/;
const CODES: ReadonlySet<TokenRequestFailureCode> = new Set<TokenRequestFailureCode>([
  "TOKEN_ENDPOINT_UNREACHABLE",
  "TOKEN_ENDPOINT_TIMEOUT",
  "TOKEN_ENDPOINT_UNAVAILABLE",
  "TOKEN_RESPONSE_INVALID",
  "TOKEN_REQUEST_REJECTED",
  "TOKEN_ENDPOINT_REDIRECTED",
  "FRESH_TOKEN_REFUSED",
]);

/**
 * OAuth errors that only a change of configuration can fix (RFC 6749 section 5.2): a
 * wrong secret or client id, a client not allowed the grant, a scope it may not have.
 */
const CONFIGURATION_ERRORS: ReadonlySet<string> = new Set(["invalid_client", "unauthorized_client", "invalid_scope"]);

/** One remembered failure. */
export interface BackOffRecord {
  kind: "token_endpoint" | "refused";
  code: TokenRequestFailureCode;
  /** Consecutive failures so far, from 1. */
  step: number;
  /** End of the back-off, milliseconds since the epoch. */
  until: number;
  status?: number;
  oauthError?: string;
}

/**
 * True when the token endpoint refused the client itself (`invalid_client`,
 * `unauthorized_client`, `invalid_scope`): retrying cannot help, so a caller should
 * answer "misconfigured" (HTTP 500) rather than "retry later" (503).
 * @example
 * if (error instanceof TokenRequestError && isConfigurationRejection(error)) return c.json(..., 500);
 */
export function isConfigurationRejection(error: TokenRequestError): boolean {
  return error.code === "TOKEN_REQUEST_REJECTED" && error.oauthError !== undefined && CONFIGURATION_ERRORS.has(error.oauthError);
}

/**
 * The back-off after `step` consecutive failures: uniform between the base and the
 * exponential ceiling `min(max, base * 2^step)` ("full jitter" above a floor, so that
 * no back-off is shorter than the base).
 * @example
 * backOffDelayMs(1, 1_000, 60_000, Math.random); // 1,000 to 2,000
 */
export function backOffDelayMs(step: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(step, 30));
  return Math.round(baseMs + random() * (ceiling - baseMs));
}

/** The KV key of the back-off record beside the token stored under `tokenKey`. */
export function backOffStoreKey(tokenKey: string): string {
  return `${KEY_PREFIX}${tokenKey.slice(tokenKey.lastIndexOf("/") + 1)}`;
}

/** The error `getToken` gives while the back-off lasts: the remembered failure, with the seconds left. */
export function rememberedFailure(record: BackOffRecord, nowMs: number): TokenRequestError {
  const retryAfterSeconds = Math.max(1, Math.ceil((record.until - nowMs) / 1000));
  const reason =
    record.kind === "refused"
      ? "the resource server refused a fresh token"
      : `the last token request failed (${record.code}${record.oauthError ? `: ${record.oauthError}` : ""})`;
  return new TokenRequestError(record.code, `${reason}; no new token request for ${retryAfterSeconds} s`, {
    status: record.status,
    oauthError: record.oauthError,
    retryAfterSeconds,
  });
}

/** Reads a record strictly: anything unexpected is as good as absent. */
export function parseBackOffRecord(text: string | null, nowMs: number, maxMs: number): BackOffRecord | null {
  if (text === null) return null;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || value.v !== 1) return null;
  const { kind, code, step, until, status, oauthError } = value;
  if (kind !== "token_endpoint" && kind !== "refused") return null;
  if (typeof code !== "string" || !CODES.has(code as TokenRequestFailureCode)) return null;
  if (typeof step !== "number" || !Number.isInteger(step) || step < 1 || step > 1_000) return null;
  if (typeof until !== "number" || !Number.isFinite(until)) return null;
  if (status !== undefined && (typeof status !== "number" || !Number.isInteger(status))) return null;
  if (oauthError !== undefined && (typeof oauthError !== "string" || !OAUTH_ERROR.test(oauthError))) return null;
  // A record from a clock far ahead, or a cap set higher elsewhere, waits no longer than our cap.
  return { kind, code: code as TokenRequestFailureCode, step, until: Math.min(until, nowMs + maxMs), status, oauthError };
}

/** The record in KV, under the key beside the token. */
export class BackOffStore {
  constructor(
    private readonly kv: KeyValueStore,
    readonly storeKey: string,
  ) {}

  async read(nowMs: number, maxMs: number): Promise<BackOffRecord | null> {
    return parseBackOffRecord(await this.kv.get(this.storeKey), nowMs, maxMs);
  }

  async write(record: BackOffRecord, nowMs: number): Promise<void> {
    const expirationTtl = Math.max(KV_MIN_TTL_SECONDS, Math.ceil((record.until - nowMs) / 1000));
    await this.kv.put(this.storeKey, JSON.stringify({ v: 1, ...record }), { expirationTtl });
  }

  async delete(): Promise<void> {
    await this.kv.delete(this.storeKey);
  }
}
