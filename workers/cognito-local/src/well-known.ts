/**
 * The discovery document Cognito serves at
 * `https://cognito-idp.<region>.amazonaws.com/<poolId>/.well-known/openid-configuration`,
 * with the endpoints pointing at this worker.
 * @module
 */

export function openIdConfiguration(issuer: string) {
  const origin = new URL(issuer).origin;
  return {
    authorization_endpoint: `${origin}/oauth2/authorize`,
    end_session_endpoint: `${origin}/logout`,
    id_token_signing_alg_values_supported: ["RS256"],
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ["code", "token"],
    revocation_endpoint: `${origin}/oauth2/revoke`,
    scopes_supported: ["openid", "email", "phone", "profile"],
    subject_types_supported: ["public"],
    token_endpoint: `${origin}/oauth2/token`,
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    userinfo_endpoint: `${origin}/oauth2/userInfo`,
  };
}
