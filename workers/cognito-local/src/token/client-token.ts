/**
 * The access token of a machine client, built in one place for both ways of asking for
 * it: the token endpoint's client-credentials grant and the GetClientToken operation.
 * AWS, "GetClientToken" (Amazon Cognito User Pools API Reference,
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetClientToken.html,
 * and the AWS CLI reference, https://docs.aws.amazon.com/cli/latest/reference/cognito-idp/get-client-token.html):
 * "GetClientToken provides the same functionality as the OAuth2 client-credentials grant",
 * so the token and its claims are the same whichever way was used.
 * @module
 */
import type { SigningKeys } from "../keys/signing-keys";
import type { Pool, PoolClient } from "../pool";
import { issueAccessToken } from "./issue-access-token";
import { customizedClaims } from "./token-customization";

/** A requested scope the client may not have; each caller answers it with its own error. */
export class ScopeRefusedError extends Error {
  override name = this.constructor.name;
}

/**
 * The scopes granted for a request: with none named, every scope of the client
 * (GetClientToken, "If you don't specify any scopes, Amazon Cognito authorizes the scopes
 * that are configured for the app client"; the token endpoint likewise); otherwise the
 * requested ones, each of which the client must be allowed ("If you request a scope that
 * you haven't associated with your app client ... authentication fails",
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html).
 */
export function grantedScopes(pool: Pool, client: PoolClient, requested: string[] | null): string[] {
  if (requested === null) {
    if (client.allowedScopes.length === 0) throw new ScopeRefusedError("the client has no scopes");
    return client.allowedScopes;
  }
  const refused = requested.find((scope) => !client.allowedScopes.includes(scope) || !pool.scopes.includes(scope));
  if (refused !== undefined) throw new ScopeRefusedError("a requested scope is not allowed for this client");
  return [...new Set(requested)];
}

/** Signs the access token of `client` for `scopes`, customized as the client's trigger says. */
export async function clientAccessToken(
  pool: Pool,
  client: PoolClient,
  scopes: string[],
  keys: SigningKeys,
  now: number,
): Promise<{ accessToken: string; expiresIn: number }> {
  const lifetimeSeconds = client.accessTokenValiditySeconds;
  const claims = customizedClaims(
    {
      sub: client.clientId,
      token_use: "access",
      scope: scopes.join(" "),
      auth_time: now,
      iss: pool.issuer,
      exp: now + lifetimeSeconds,
      iat: now,
      version: 2,
      jti: crypto.randomUUID(),
      client_id: client.clientId,
    },
    client.customization,
  );
  const accessToken = await issueAccessToken(claims, await keys.activeKey(now));
  return { accessToken, expiresIn: lifetimeSeconds };
}
