/**
 * `POST /oauth2/token`, as Amazon Cognito answers it
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html).
 * cognito-local issues tokens for the client-credentials grant only. The other two
 * grants Cognito knows (`authorization_code`, `refresh_token`) get the error Cognito
 * documents for them: `unauthorized_client` when the client may not use the code
 * grant ("Client is not allowed for code grant flow or for refreshing tokens"),
 * otherwise `invalid_grant`, since cognito-local never hands out a code or a refresh
 * token ("Authorization code has been consumed or does not exist", "Refresh token
 * has been revoked"). Only a grant type
 * Cognito does not know is `unsupported_grant_type`.
 * @module
 */
import type { SigningKeys } from "../keys/signing-keys";
import type { Pool, PoolClient } from "../pool";
import { authenticatedClient } from "./authenticate-client";
import { clientAccessToken, grantedScopes, ScopeRefusedError } from "./client-token";
import { OAuthError } from "./oauth-error";
import { readTokenRequest, type TokenRequest } from "./read-token-request";

/** Refuses a grant Cognito knows but cognito-local does not issue, with Cognito's error for it. */
function refuseOtherGrant(request: TokenRequest, client: PoolClient): never {
  if (request.grantType === "authorization_code") {
    if (!client.codeFlowAllowed) throw new OAuthError("unauthorized_client", "the client is not allowed the code flow");
    if (!request.form.get("code")) throw new OAuthError("invalid_request", "code is required");
    throw new OAuthError("invalid_grant", "cognito-local issues no authorization codes");
  }
  if (request.grantType === "refresh_token") {
    if (!request.form.get("refresh_token")) throw new OAuthError("invalid_request", "refresh_token is required");
    throw new OAuthError("invalid_grant", "cognito-local issues no refresh tokens");
  }
  // "Returned if grant_type is anything other than authorization_code or refresh_token or client_credentials."
  throw new OAuthError("unsupported_grant_type", "grant_type must be authorization_code, refresh_token or client_credentials");
}

/** Answers one token request: a signed access token, or an {@link OAuthError}. */
export async function handleTokenRequest(
  request: Request,
  pool: Pool,
  keys: SigningKeys,
  now: number,
): Promise<{ body: { access_token: string; expires_in: number; token_type: "Bearer" }; clientId: string }> {
  const tokenRequest = await readTokenRequest(request);
  const client = await authenticatedClient(pool, tokenRequest.clientId, tokenRequest.clientSecret);
  if (!client) throw new OAuthError("invalid_client", "client authentication failed");
  if (tokenRequest.grantType !== "client_credentials") refuseOtherGrant(tokenRequest, client);
  if (!client.clientCredentialsAllowed) {
    throw new OAuthError("unauthorized_client", "the client is not allowed the client_credentials flow");
  }
  let scopes: string[];
  try {
    scopes = grantedScopes(pool, client, tokenRequest.scopes);
  } catch (error) {
    if (error instanceof ScopeRefusedError) throw new OAuthError("invalid_scope", error.message);
    throw error;
  }
  const { accessToken, expiresIn } = await clientAccessToken(pool, client, scopes, keys, now);
  return {
    body: { access_token: accessToken, expires_in: expiresIn, token_type: "Bearer" },
    clientId: client.clientId,
  };
}
