/**
 * Errors of the shared verifier. Each failure has a stable `code` that logs,
 * metrics and tests can rely on; messages never contain the token.
 * @module
 */

/** Why a token was refused. Stable: add codes, never rename them. */
export type TokenRejectionCode =
  | "TOKEN_TOO_LARGE"
  | "TOKEN_MALFORMED"
  | "HEADER_UNSUPPORTED"
  | "ALG_NOT_ALLOWED"
  | "KID_MISSING"
  | "KID_UNKNOWN"
  | "KEY_MISMATCH"
  | "SIGNATURE_INVALID"
  | "CLAIM_INVALID"
  | "ISSUER_MISMATCH"
  | "TOKEN_USE_INVALID"
  | "CLIENT_NOT_ALLOWED"
  | "TOKEN_EXPIRED"
  | "TOKEN_NOT_YET_VALID"
  | "TOKEN_ISSUED_IN_FUTURE";

/** Base of every error this library throws. */
export abstract class VerifierError extends Error {
  abstract readonly code: string;
  override name = this.constructor.name;
}

/** The token is not acceptable. Maps to HTTP 401 `invalid_token`. */
export class TokenRejectedError extends VerifierError {
  /** The claim that failed, for claim checks. */
  readonly claim?: string;

  constructor(
    readonly code: TokenRejectionCode,
    message: string,
    options: { claim?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.claim = options.claim;
  }
}

/** No key set could be obtained and none is known: nothing can be verified. Maps to HTTP 503. */
export class JwksUnavailableError extends VerifierError {
  readonly code = "JWKS_UNAVAILABLE";
}

/** The verifier was configured wrongly. Thrown when it is created, never per request. */
export class VerifierConfigError extends VerifierError {
  readonly code = "CONFIG_INVALID";

  /** @param option the option at fault (`issuer`, `clientIds`, ...), so callers can name their own setting */
  constructor(
    message: string,
    readonly option?: string,
  ) {
    super(message);
  }
}
