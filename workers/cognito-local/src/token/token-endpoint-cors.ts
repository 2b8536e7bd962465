/**
 * CORS of the token endpoint, as Cognito's: "The token endpoint returns an
 * `Access-Control-Allow-Origin: *` response header. You can call the token endpoint
 * cross-origin from a browser-based application ... Amazon Cognito does not support
 * custom cross-origin resource sharing (CORS) origin policies on this endpoint"
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html).
 *
 * The page does not list the headers of the preflight answer. cognito-local allows
 * POST and the request headers the browser asks for (Swagger UI's "Authorize" sends
 * `Authorization`, `Content-Type` and `X-Requested-With`), so that any browser client
 * works against it, as the page promises for Cognito; with no list asked for, it
 * allows `Authorization, Content-Type`, what a token request needs.
 * @module
 */

/** Headers every answer of the token endpoint carries. */
export const TOKEN_ENDPOINT_CORS_HEADERS = { "Access-Control-Allow-Origin": "*" } as const;

const PREFLIGHT_MAX_AGE_SECONDS = 600;

const DEFAULT_ALLOWED_HEADERS = "Authorization, Content-Type";
// A comma-separated list of header names (RFC 9110 tokens), nothing else is echoed.
const HEADER_NAME_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

/** The answer to `OPTIONS /oauth2/token`, given the preflight's `Access-Control-Request-Headers`. */
export function tokenEndpointPreflight(requestedHeaders: string | undefined): Response {
  const requested = requestedHeaders?.trim() ?? "";
  return new Response(null, {
    status: 204,
    headers: {
      ...TOKEN_ENDPOINT_CORS_HEADERS,
      "Access-Control-Allow-Methods": "POST",
      "Access-Control-Allow-Headers": HEADER_NAME_LIST.test(requested) ? requested : DEFAULT_ALLOWED_HEADERS,
      "Access-Control-Max-Age": String(PREFLIGHT_MAX_AGE_SECONDS),
    },
  });
}
