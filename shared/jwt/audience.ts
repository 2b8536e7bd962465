/**
 * The audience check: a resource server refuses an access token that was not made for
 * it. RFC 9068 section 4: "The resource server MUST validate that the aud claim
 * contains a resource indicator value corresponding to an identifier the resource
 * server expects for itself" (https://www.rfc-editor.org/rfc/rfc9068#section-4); RFC
 * 7519 section 4.1.3: `aud` is a string or an array of strings.
 *
 * The audience is required, as the issuer is: a verifier that accepts a token the same
 * issuer made for another API lets that API's clients in. It is turned off only
 * explicitly, with `"*"` (as `clientIds: "*"` is), or left out when every issuer is a
 * Cognito user pool: Cognito access tokens carry no `aud` (they name their client in
 * `client_id`, which the Cognito verifier checks).
 * @module
 */
import { ConfigError, TokenRejectedError } from "../errors.ts";

/** The audiences a verifier accepts, checked; `undefined` when the check is off. */
export type AcceptedAudiences = ReadonlySet<string> | undefined;

// The two issuer formats of a user pool, on each partition's suffix (see ../cognito/cognito-partitions.ts).
const COGNITO_ISSUER = /^https:\/\/(?:issuer-)?cognito-idp\.[a-z0-9-]+\.amazonaws\.(?:com|com\.cn|eu)\/[^/]+$/;

/**
 * The `audience` option, checked: a non-empty string, or a non-empty list of them, or
 * `"*"` for any audience. Left out, it is an error unless every issuer is a Cognito pool.
 * @throws {ConfigError} naming `audience`
 * @example
 * acceptedAudiences("https://api.example.com", ["https://auth.example.com"]); // Set { "https://api.example.com" }
 */
export function acceptedAudiences(audience: unknown, issuers: readonly string[]): AcceptedAudiences {
  if (audience === "*") return undefined;
  if (audience === undefined) {
    if (issuers.every((issuer) => COGNITO_ISSUER.test(issuer))) return undefined;
    throw new ConfigError(
      'audience is required: the identifier this API expects in the token\'s aud (or "*" to accept any audience)',
      "audience",
    );
  }
  const list: readonly unknown[] = Array.isArray(audience) ? audience : [audience];
  if (list.length === 0 || list.some((one) => typeof one !== "string" || one === "" || one === "*")) {
    throw new ConfigError('audience must be a non-empty string or list of them, or "*" alone for any audience', "audience");
  }
  return new Set(list as string[]);
}

/**
 * Refuses a token whose `aud` names none of the accepted audiences.
 * @throws {TokenRejectedError} AUDIENCE_MISMATCH (no `aud`, or none accepted) or CLAIM_INVALID (`aud` of another type)
 */
export function checkAudience(aud: unknown, accepted: ReadonlySet<string>): void {
  if (typeof aud === "string") {
    if (accepted.has(aud)) return;
  } else if (Array.isArray(aud)) {
    if (!aud.every((one) => typeof one === "string")) {
      throw new TokenRejectedError("CLAIM_INVALID", "the aud claim must be a string or an array of strings", { claim: "aud" });
    }
    if (aud.some((one) => accepted.has(one))) return;
  } else if (aud !== undefined) {
    throw new TokenRejectedError("CLAIM_INVALID", "the aud claim must be a string or an array of strings", { claim: "aud" });
  }
  throw new TokenRejectedError("AUDIENCE_MISMATCH", "the token is not meant for this audience", { claim: "aud" });
}
