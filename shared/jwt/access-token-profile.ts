/**
 * The JWT profile for OAuth 2.0 access tokens (RFC 9068), as an option of the generic
 * verifier. Section 4: the resource server "MUST verify that the typ header value is
 * at+jwt or application/at+jwt and reject tokens carrying any other value"; section
 * 2.2: `iss`, `exp`, `aud`, `sub`, `client_id`, `iat` and `jti` are REQUIRED
 * (https://www.rfc-editor.org/rfc/rfc9068). The `typ` keeps an access token from being
 * taken for an ID token or any other JWT the same issuer signs with the same keys.
 *
 * Off for Cognito: its access tokens carry no `typ` and no `aud`.
 * @module
 */
import { ConfigError, TokenRejectedError } from "../errors.ts";

/** `"rfc9068"`: the profile's `typ` and required claims. Left out: any JWT `typ` (or none), the registered claims only. */
export type AccessTokenProfile = "rfc9068";

/**
 * The `profile` option, checked.
 * @throws {ConfigError} naming `profile`
 */
export function checkProfile(profile: unknown): AccessTokenProfile | undefined {
  if (profile === undefined || profile === "rfc9068") return profile;
  throw new ConfigError('profile must be "rfc9068" or left out', "profile");
}

// `iss`, `exp` and `iat` are required of every token already (registered-claims.ts).
const PROFILE_STRING_CLAIMS = ["sub", "client_id", "jti"] as const;

/**
 * Refuses a token that is not an RFC 9068 access token: its `typ` (compared without
 * case, as RFC 7515 section 4.1.9 asks of media types), then the claims it requires.
 * @throws {TokenRejectedError} TOKEN_TYPE_INVALID or CLAIM_INVALID
 */
export function checkAccessTokenProfile(typ: unknown, payload: Record<string, unknown>): void {
  const type = typeof typ === "string" ? typ.toLowerCase() : undefined;
  if (type !== "at+jwt" && type !== "application/at+jwt") {
    throw new TokenRejectedError("TOKEN_TYPE_INVALID", "the token is not an RFC 9068 access token (typ at+jwt)");
  }
  const aud = payload.aud;
  if (!(typeof aud === "string" || (Array.isArray(aud) && aud.length > 0 && aud.every((one) => typeof one === "string")))) {
    throw new TokenRejectedError("CLAIM_INVALID", "the aud claim is required: a string or an array of strings", { claim: "aud" });
  }
  for (const claim of PROFILE_STRING_CLAIMS) {
    const value = payload[claim];
    if (typeof value !== "string" || value === "") {
      throw new TokenRejectedError("CLAIM_INVALID", `the ${claim} claim must be a non-empty string`, { claim });
    }
  }
}
