/**
 * Signs an access token. Without a trigger, the claims of a client-credentials access
 * token are those Amazon Cognito puts there (client-token.ts builds them): `sub` and
 * `client_id` (the app client id), `token_use: "access"`, `scope`, `auth_time`, `iss`,
 * `exp`, `iat`, `version: 2`, `jti`, and no `aud`.
 * The header is `{ kid, alg: "RS256" }`, as Cognito's.
 * @module
 */
import { SignJWT } from "jose";
import type { SigningKey } from "../keys/signing-keys";

export async function issueAccessToken(claims: Record<string, unknown>, key: SigningKey): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ kid: key.kid, alg: "RS256" }).sign(key.privateKey);
}
