/**
 * CORS of the token endpoint, as Cognito's: "The token endpoint returns an
 * `Access-Control-Allow-Origin: *` response header. You can call the token endpoint
 * cross-origin from a browser-based application ... Amazon Cognito does not support
 * custom cross-origin resource sharing (CORS) origin policies on this endpoint"
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html).
 *
 * The page does not list the headers of the preflight answer. cognito-local allows
 * exactly what a token request needs: POST, with `Authorization` (client_secret_basic)
 * and `Content-Type` (the form), so that a browser client such as Swagger UI's
 * "Authorize" works against cognito-local as against Cognito.
 * @module
 */

/** Headers every answer of the token endpoint carries. */
export const TOKEN_ENDPOINT_CORS_HEADERS = { "Access-Control-Allow-Origin": "*" } as const;

const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** The answer to `OPTIONS /oauth2/token`. */
export function tokenEndpointPreflight(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...TOKEN_ENDPOINT_CORS_HEADERS,
      "Access-Control-Allow-Methods": "POST",
      "Access-Control-Allow-Headers": "Authorization, Content-Type",
      "Access-Control-Max-Age": String(PREFLIGHT_MAX_AGE_SECONDS),
    },
  });
}
