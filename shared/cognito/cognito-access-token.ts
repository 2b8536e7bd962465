/**
 * What a verified Cognito access token says, and the checks that make it one:
 * `token_use` is `access`, and `client_id` is one of the clients allowed.
 * Cognito access tokens carry no `aud`; the client is named by `client_id`.
 * @module
 */
import { TokenRejectedError } from "../errors.ts";
import { type RegisteredClaims, readString } from "../jwt/registered-claims.ts";

export interface CognitoAccessToken extends RegisteredClaims {
  sub: string;
  client_id: string;
  token_use: "access";
  /**
   * The space-separated `scope` claim, split, each scope once; empty when the token has
   * none. Frozen: the verified-token cache hands the same claims to every request with
   * the same token, so a route that could add a scope would add it for the next one too.
   */
  scopes: readonly string[];
  jti?: string;
}

/** `"*"` accepts any client of the pool; it must be said explicitly. */
export type AllowedClients = ReadonlySet<string> | "*";

/** Reads and checks the Cognito-specific claims of a payload whose registered claims passed. */
export function readCognitoAccessToken(
  payload: Record<string, unknown>,
  registered: RegisteredClaims,
  allowedClients: AllowedClients,
): CognitoAccessToken {
  const tokenUse = payload.token_use;
  if (tokenUse !== "access") {
    throw new TokenRejectedError("TOKEN_USE_INVALID", "the token is not an access token", { claim: "token_use" });
  }
  const clientId = readString(payload, "client_id", true)!;
  const sub = readString(payload, "sub", true)!;
  const scope = readString(payload, "scope", false);
  const jti = readString(payload, "jti", false);
  if (allowedClients !== "*" && !allowedClients.has(clientId)) {
    throw new TokenRejectedError("CLIENT_NOT_ALLOWED", "the token's client is not allowed", { claim: "client_id" });
  }
  const token: CognitoAccessToken = {
    iss: registered.iss,
    exp: registered.exp,
    iat: registered.iat,
    sub,
    client_id: clientId,
    token_use: "access",
    scopes: Object.freeze(scope === undefined ? [] : [...new Set(scope.split(" "))].filter((name) => name !== "")),
  };
  if (registered.nbf !== undefined) token.nbf = registered.nbf;
  if (jti !== undefined) token.jti = jti;
  return token;
}
