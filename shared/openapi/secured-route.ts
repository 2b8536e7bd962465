/**
 * Scope policy that lives on the route: a `@hono/zod-openapi` route declares
 * `security: [{ cognito: ["MyService/weather_read"] }]`, and `securedRoute` turns
 * that same declaration into the middleware that enforces it, so the OpenAPI
 * document and the behaviour cannot drift apart.
 * @module
 */
import type { RouteConfig } from "@hono/zod-openapi";
import { ConfigError } from "../errors.ts";
import { type CognitoAuthOptions, cognitoAuth } from "../hono/cognito-auth.ts";

/** The name of the security scheme registered in the document. */
export const COGNITO_SECURITY_SCHEME = "cognito";

/**
 * Adds the enforcement of `route.security` to the route's middleware.
 * @throws {ConfigError} when the route declares no security, or a scheme other than `cognito`
 * @example
 * const route = securedRoute(createRoute({
 *   method: "get", path: "/weatherforecast",
 *   security: [{ cognito: ["MyService/weather_read"] }],
 *   responses: { 200: { description: "ok" } },
 * }), { verifier });
 */
export function securedRoute<R extends RouteConfig>(route: R, options: Pick<CognitoAuthOptions, "verifier">): R {
  const security = route.security;
  if (!security || security.length === 0) {
    throw new ConfigError(`route ${route.method.toUpperCase()} ${route.path} declares no security`, "route.security");
  }
  const requiredScopes = security.map((requirement) => {
    const schemes = Object.keys(requirement);
    if (schemes.length !== 1 || schemes[0] !== COGNITO_SECURITY_SCHEME) {
      throw new ConfigError(`route ${route.path}: only the "${COGNITO_SECURITY_SCHEME}" security scheme is enforced`, "route.security");
    }
    return requirement[COGNITO_SECURITY_SCHEME]!;
  });
  const existing = route.middleware === undefined ? [] : Array.isArray(route.middleware) ? route.middleware : [route.middleware];
  return { ...route, middleware: [cognitoAuth({ verifier: options.verifier, requiredScopes }), ...existing] };
}

/** The `oauth2` client-credentials security scheme, for `openAPIRegistry.registerComponent`. */
export function cognitoSecurityScheme(tokenUrl: string, scopes: Record<string, string>) {
  return {
    type: "oauth2" as const,
    description: "An Amazon Cognito access token from the client-credentials grant.",
    flows: { clientCredentials: { tokenUrl, scopes } },
  };
}
