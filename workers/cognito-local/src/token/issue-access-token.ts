/**
 * Signs an access token with the claims Amazon Cognito puts in a client-credentials
 * access token: `sub` and `client_id` (the app client id), `token_use: "access"`,
 * `scope`, `auth_time`, `iss`, `exp`, `iat`, `version: 2`, `jti`, and no `aud`.
 * The header is `{ kid, alg: "RS256" }`, as Cognito's.
 * @module
 */
import { SignJWT } from "jose";
import type { SigningKey } from "../keys/signing-keys";

export interface AccessTokenGrant {
  issuer: string;
  clientId: string;
  scopes: string[];
  lifetimeSeconds: number;
  /** Seconds since the epoch. */
  now: number;
}

export async function issueAccessToken(grant: AccessTokenGrant, key: SigningKey): Promise<string> {
  return new SignJWT({
    sub: grant.clientId,
    token_use: "access",
    scope: grant.scopes.join(" "),
    auth_time: grant.now,
    iss: grant.issuer,
    exp: grant.now + grant.lifetimeSeconds,
    iat: grant.now,
    version: 2,
    jti: crypto.randomUUID(),
    client_id: grant.clientId,
  })
    .setProtectedHeader({ kid: key.kid, alg: "RS256" })
    .sign(key.privateKey);
}
