/**
 * `POST /oauth2/token` for the client-credentials grant, as Amazon Cognito answers it.
 * @module
 */
import type { SigningKeys } from "../keys/signing-keys";
import type { Pool, PoolClient } from "../pool";
import { authenticateClient } from "./authenticate-client";
import { issueAccessToken } from "./issue-access-token";
import { OAuthError } from "./oauth-error";
import { readTokenRequest } from "./read-token-request";

function grantedScopes(pool: Pool, client: PoolClient, requested: string[] | null): string[] {
  if (requested === null) {
    // Cognito: no scope parameter means every custom scope the client may have.
    if (client.allowedScopes.length === 0) throw new OAuthError("invalid_scope", "the client has no scopes");
    return client.allowedScopes;
  }
  const refused = requested.find((scope) => !client.allowedScopes.includes(scope) || !pool.scopes.includes(scope));
  if (refused !== undefined) throw new OAuthError("invalid_scope", "a requested scope is not allowed for this client");
  return [...new Set(requested)];
}

/** Answers one token request: a signed access token, or an {@link OAuthError}. */
export async function handleTokenRequest(
  request: Request,
  pool: Pool,
  keys: SigningKeys,
  now: number,
): Promise<{ body: { access_token: string; expires_in: number; token_type: "Bearer" }; clientId: string }> {
  const tokenRequest = await readTokenRequest(request);
  const client = await authenticateClient(pool, tokenRequest.clientId, tokenRequest.clientSecret);
  if (tokenRequest.grantType !== "client_credentials") {
    throw new OAuthError("unsupported_grant_type", "only grant_type=client_credentials is supported");
  }
  if (!client.clientCredentialsAllowed) {
    throw new OAuthError("unauthorized_client", "the client is not allowed the client_credentials flow");
  }
  const scopes = grantedScopes(pool, client, tokenRequest.scopes);
  const lifetimeSeconds = client.accessTokenValiditySeconds;
  const accessToken = await issueAccessToken(
    { issuer: pool.issuer, clientId: client.clientId, scopes, lifetimeSeconds, now },
    await keys.activeKey(now),
  );
  return {
    body: { access_token: accessToken, expires_in: lifetimeSeconds, token_type: "Bearer" },
    clientId: client.clientId,
  };
}
