/**
 * The registered claims every verification checks (RFC 7519 section 4.1): their
 * JSON types first, then the issuer and the time window with a clock tolerance.
 * @module
 */
import { TokenRejectedError } from "../errors.ts";

/** The claims that bound a token's validity in time. */
export interface TimeWindow {
  exp: number;
  iat: number;
  nbf?: number;
}

export interface RegisteredClaims extends TimeWindow {
  iss: string;
}

function invalid(claim: string, message: string): TokenRejectedError {
  return new TokenRejectedError("CLAIM_INVALID", message, { claim });
}

/** A NumericDate: a finite, non-negative JSON number (a string "1700000000" is refused). */
function readNumericDate(payload: Record<string, unknown>, claim: string, required: boolean): number | undefined {
  const value = payload[claim];
  if (value === undefined && !required) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw invalid(claim, `the ${claim} claim must be a NumericDate`);
  }
  return value;
}

/** A string claim; `undefined` is allowed only when the claim is optional. */
export function readString(payload: Record<string, unknown>, claim: string, required: boolean): string | undefined {
  const value = payload[claim];
  if (value === undefined && !required) return undefined;
  if (typeof value !== "string") throw invalid(claim, `the ${claim} claim must be a string`);
  return value;
}

/** Reads `iss`, `exp`, `iat` (all required) and `nbf` (optional) and checks the issuer. */
function readRegisteredClaims(payload: Record<string, unknown>, expectedIssuer: string): RegisteredClaims {
  const iss = readString(payload, "iss", true)!;
  const exp = readNumericDate(payload, "exp", true)!;
  const iat = readNumericDate(payload, "iat", true)!;
  const nbf = readNumericDate(payload, "nbf", false);
  if (iss !== expectedIssuer) throw new TokenRejectedError("ISSUER_MISMATCH", "the token is from another issuer", { claim: "iss" });
  return nbf === undefined ? { iss, exp, iat } : { iss, exp, iat, nbf };
}

/**
 * Refuses a token whose lifetime, `exp - iat`, is longer than `maxLifetimeSeconds`
 * plus the clock tolerance: an issuer that never issues such tokens (Cognito's access
 * tokens live at most a day) did not issue this one, or a key is misused. Checked once,
 * when the token is verified (its claims cannot change afterwards).
 */
function checkLifetime(claims: TimeWindow, maxLifetimeSeconds: number, toleranceSeconds: number): void {
  if (!(claims.exp - claims.iat <= maxLifetimeSeconds + toleranceSeconds)) {
    throw new TokenRejectedError("TOKEN_LIFETIME_TOO_LONG", `the token lives longer than ${maxLifetimeSeconds} seconds`, {
      claim: "exp",
    });
  }
}

/**
 * Checks the time window at `nowSeconds`, allowing `toleranceSeconds` of clock skew
 * in each direction. Cheap enough to run on every request, cached token or not.
 */
export function checkTimeWindow(claims: TimeWindow, nowSeconds: number, toleranceSeconds: number): void {
  if (nowSeconds >= claims.exp + toleranceSeconds) {
    throw new TokenRejectedError("TOKEN_EXPIRED", "the token has expired", { claim: "exp" });
  }
  if (claims.nbf !== undefined && nowSeconds + toleranceSeconds < claims.nbf) {
    throw new TokenRejectedError("TOKEN_NOT_YET_VALID", "the token is not valid yet", { claim: "nbf" });
  }
  if (claims.iat > nowSeconds + toleranceSeconds) {
    throw new TokenRejectedError("TOKEN_ISSUED_IN_FUTURE", "the token was issued in the future", { claim: "iat" });
  }
}

/**
 * Every check of the registered claims, after the signature: their types, the issuer,
 * the lifetime and the time window at `nowSeconds`.
 * @throws {TokenRejectedError} CLAIM_INVALID, ISSUER_MISMATCH, TOKEN_LIFETIME_TOO_LONG or a time-window code
 */
export function checkRegisteredClaims(
  payload: Record<string, unknown>,
  expectedIssuer: string,
  nowSeconds: number,
  toleranceSeconds: number,
  maxLifetimeSeconds: number,
): RegisteredClaims {
  const registered = readRegisteredClaims(payload, expectedIssuer);
  checkLifetime(registered, maxLifetimeSeconds, toleranceSeconds);
  checkTimeWindow(registered, nowSeconds, toleranceSeconds);
  return registered;
}
