/**
 * The token cache's memory of failure: after a failed token request (or a fresh
 * token the resource server refused), no new token request until a back-off period
 * ends. The period grows exponentially with each consecutive failure, with full
 * jitter between the base and the ceiling, up to a cap, so that isolates which fail
 * together do not come back together. It is shared through KV, beside the token
 * (sealed like it: sealed-store.ts), so that other isolates (and new ones)
 * wait too instead of adding to the load on an endpoint that is already failing.
 *
 * The record's JSON, before it is sealed: `{"kind","code","step","until","status"?,"oauthError"?}`:
 * `kind` "token_endpoint" (the endpoint failed) or "refused" (the resource server
 * refused a fresh token); `code` the TokenRequestFailureCode; `step` the number of
 * consecutive failures (1, 2, ...); `until` the end of the back-off in milliseconds
 * since the epoch; `status` and `oauthError` as the endpoint answered. No token and
 * no secret. Readers honour a record only while `until` is ahead, refuse one that
 * ends beyond their cap (sealed-store.ts deletes it), and a usable token in KV
 * always wins over it. Whoever gets a token deletes it.
 * @module
 */
import { TokenRequestError, type TokenRequestFailureCode } from "../errors.ts";

const OAUTH_ERROR = /^[\x20-\x7e]{1,64}$/;
const FAILURE_CODES: ReadonlySet<TokenRequestFailureCode> = new Set<TokenRequestFailureCode>([
  "TOKEN_ENDPOINT_UNREACHABLE",
  "TOKEN_ENDPOINT_TIMEOUT",
  "TOKEN_ENDPOINT_UNAVAILABLE",
  "TOKEN_RESPONSE_INVALID",
  "TOKEN_REQUEST_REJECTED",
  "TOKEN_ENDPOINT_REDIRECTED",
  "FRESH_TOKEN_REFUSED",
]);

/**
 * Errors that only a change of configuration can fix: OAuth's (RFC 6749 section 5.2: a
 * wrong secret or client id, a client not allowed the grant, a scope it may not have)
 * and GetClientToken's for the same faults (API reference, GetClientToken, Errors:
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetClientToken.html).
 */
const CONFIGURATION_ERRORS: ReadonlySet<string> = new Set([
  "invalid_client",
  "unauthorized_client",
  "invalid_scope",
  "NotAuthorizedException",
  "ResourceNotFoundException",
  "InvalidParameterException",
  "OperationNotEnabledException",
]);

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
 * `unauthorized_client`, `invalid_scope`) or there is no token endpoint at its URL (a
 * 404 or 405): retrying cannot help, so a caller should answer "misconfigured" (HTTP
 * 500) rather than "retry later" (503).
 * @example
 * if (error instanceof TokenRequestError && isConfigurationRejection(error)) return c.json(..., 500);
 */
export function isConfigurationRejection(error: TokenRequestError): boolean {
  if (error.code !== "TOKEN_REQUEST_REJECTED") return false;
  return error.status === 404 || error.status === 405 || (error.oauthError !== undefined && CONFIGURATION_ERRORS.has(error.oauthError));
}

/**
 * The one back-off formula, for the cache's back-off and for the retries within a
 * call: after `step` consecutive failures, uniform between the base and the
 * exponential ceiling `min(max, base * 2^step)` ("full jitter" above a floor, so that
 * no wait is shorter than the base).
 * @example
 * backOffDelayMs(1, 1_000, 60_000, Math.random); // 1,000 to 2,000
 */
export function backOffDelayMs(step: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(step, 30));
  return Math.round(baseMs + random() * (ceiling - baseMs));
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

/** True for a failure's fields as a `TokenRequestError` has them (from KV or the coordinator). */
export function isFailureFields(value: { code?: unknown; status?: unknown; oauthError?: unknown }): boolean {
  const { code, status, oauthError } = value;
  if (typeof code !== "string" || !FAILURE_CODES.has(code as TokenRequestFailureCode)) return false;
  if (status !== undefined && (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599)) return false;
  return oauthError === undefined || (typeof oauthError === "string" && OAUTH_ERROR.test(oauthError));
}

/** Consecutive refusals of fresh tokens. It ends after twice the cap with none. */
interface RefusalEpisode {
  /** Tokens obtained after this are fresh: a refusal of one means new ones are refused too. */
  since: number;
  last: number;
  step: number;
}

/** One isolate's back-off: the failure in force, and the steps that lead to the next one. */
export class BackOffState {
  /** The latest back-off; in force while `until` is ahead. */
  private current: BackOffRecord | null = null;
  /** Consecutive failed token requests (ours, or another isolate's seen in KV). */
  private endpointFailures = 0;
  private refusal: RefusalEpisode | null = null;

  constructor(
    private readonly baseMs: number,
    readonly maxMs: number,
    private readonly random: () => number,
  ) {}

  /** The back-off in force at `now`, if any. */
  active(now: number): BackOffRecord | null {
    return this.current && now < this.current.until ? this.current : null;
  }

  /** True once a token request failed and none succeeded since: retries within a call stop then. */
  get failing(): boolean {
    return this.endpointFailures > 0;
  }

  /**
   * Takes in another isolate's record: its step, so that our next failure continues
   * the sequence, and, while it lasts, the back-off itself.
   * @returns "shared" when it becomes the back-off in force, "in_force" when it is
   *   in force already, "none" when it is over
   */
  adopt(record: BackOffRecord | null, now: number): "shared" | "in_force" | "none" {
    if (!record) return "none";
    if (record.kind === "token_endpoint") this.endpointFailures = Math.max(this.endpointFailures, record.step);
    else if (this.refusal) this.refusal.step = Math.max(this.refusal.step, record.step);
    else this.refusal = { since: now, last: now, step: record.step };
    if (now >= record.until) return "none";
    if (this.current && this.current.until >= record.until) return "in_force";
    this.current = record;
    return "shared";
  }

  /** A token request failed: the next step, honouring the endpoint's Retry-After up to the cap. */
  endpointFailed(error: TokenRequestError, now: number): { record: BackOffRecord; delayMs: number } {
    this.endpointFailures += 1;
    let delayMs = backOffDelayMs(this.endpointFailures, this.baseMs, this.maxMs, this.random);
    if (error.retryAfterSeconds !== undefined) delayMs = Math.min(this.maxMs, Math.max(delayMs, error.retryAfterSeconds * 1000));
    const record: BackOffRecord = {
      kind: "token_endpoint",
      code: error.code,
      step: this.endpointFailures,
      until: now + delayMs,
      status: error.status,
      oauthError: error.oauthError,
    };
    this.current = record;
    return { record, delayMs };
  }

  /** A token request succeeded: the endpoint's back-off is over. True when there was one to clear. */
  endpointRecovered(): boolean {
    const had = this.endpointFailures > 0;
    this.endpointFailures = 0;
    if (this.current?.kind === "token_endpoint") this.current = null;
    return had;
  }

  /**
   * The resource server refused a token obtained at `obtainedAt` (undefined: not the
   * one this isolate holds). Only a token obtained within the current episode of
   * refusals says that new tokens are refused too: then the next step starts. A
   * request still holding an older token just learns what another request learnt.
   */
  refused(now: number, obtainedAt: number | undefined): { record: BackOffRecord; delayMs: number } | null {
    const episode = this.refusal && now - this.refusal.last <= 2 * this.maxMs ? this.refusal : null;
    if (!episode) {
      this.refusal = { since: now, last: now, step: 0 };
      return null;
    }
    episode.last = now;
    if (obtainedAt === undefined || obtainedAt < episode.since) return null;
    episode.step += 1;
    const delayMs = backOffDelayMs(episode.step, this.baseMs, this.maxMs, this.random);
    const record: BackOffRecord = { kind: "refused", code: "FRESH_TOKEN_REFUSED", step: episode.step, until: now + delayMs, status: 401 };
    // Set before the caller awaits anything, so that no concurrent request slips a token request in.
    this.current = record;
    return { record, delayMs };
  }
}
