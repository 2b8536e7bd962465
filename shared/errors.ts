/**
 * Errors of the shared library (the verifier and the token client). Each failure
 * has a stable `code` that logs, metrics and tests can rely on; messages never
 * contain a token or a secret.
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
  | "TOKEN_ISSUED_IN_FUTURE"
  | "TOKEN_LIFETIME_TOO_LONG"
  /** The token's `aud` names none of the verifier's `audience` (or it has none). */
  | "AUDIENCE_MISMATCH"
  /** With `profile: "rfc9068"`: the header's `typ` is not `at+jwt` or `application/at+jwt`. */
  | "TOKEN_TYPE_INVALID";

/** Base of every error this library throws. */
export abstract class EdgeAuthError extends Error {
  abstract readonly code: string;
  override name = this.constructor.name;
}

/** The token is not acceptable. Maps to HTTP 401 `invalid_token`. */
export class TokenRejectedError extends EdgeAuthError {
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
export class JwksUnavailableError extends EdgeAuthError {
  readonly code = "JWKS_UNAVAILABLE";
}

/**
 * The issuer's metadata (RFC 8414 or OpenID discovery) could not be fetched or read:
 * unreachable, a timeout, an error status, a redirect, too large, or not a metadata
 * document. A verifier that discovers its keys answers this as {@link JwksUnavailableError}.
 */
export class DiscoveryError extends EdgeAuthError {
  readonly code = "DISCOVERY_FAILED";
}

/**
 * An option (of a verifier, middleware or token cache) or a worker setting is missing
 * or invalid. Thrown when the object is created or the settings are read, never per
 * request, so a mistake shows at once and the same way every time.
 */
export class ConfigError extends EdgeAuthError {
  readonly code = "CONFIG_INVALID";

  /** @param option the option or setting at fault (`issuer`, `timeoutMs`, `COGNITO_ISSUER`), so callers can name their own */
  constructor(
    message: string,
    readonly option: string,
  ) {
    super(message);
  }
}

/** Why no token could be obtained from the token endpoint. Stable codes. */
export type TokenRequestFailureCode =
  | "TOKEN_ENDPOINT_UNREACHABLE"
  | "TOKEN_ENDPOINT_TIMEOUT"
  | "TOKEN_ENDPOINT_UNAVAILABLE"
  | "TOKEN_RESPONSE_INVALID"
  | "TOKEN_REQUEST_REJECTED"
  /** The token endpoint answered a redirect (3xx), which is never followed: the secret stays home. */
  | "TOKEN_ENDPOINT_REDIRECTED"
  /** The resource server refused a freshly issued token; none is requested until the back-off ends. */
  | "FRESH_TOKEN_REFUSED";

/** The token endpoint did not give a token. */
export class TokenRequestError extends EdgeAuthError {
  /** The OAuth `error` of a 4xx answer (`invalid_client`, ...), when there was one. */
  readonly oauthError?: string;
  /** HTTP status of the answer, when there was one. */
  readonly status?: number;
  /** Seconds the endpoint asked to wait (`Retry-After`), when it did. */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: TokenRequestFailureCode,
    message: string,
    options: { oauthError?: string; status?: number; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.oauthError = options.oauthError;
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** Worth trying again: the endpoint was unreachable, overloaded or failing. A rejection is not. */
  get retryable(): boolean {
    return this.code === "TOKEN_ENDPOINT_UNREACHABLE" || this.code === "TOKEN_ENDPOINT_UNAVAILABLE";
  }
}
