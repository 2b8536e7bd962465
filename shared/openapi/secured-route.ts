/**
 * Scope policy that lives on the route: a `@hono/zod-openapi` route declares
 * `security: [{ cognito: ["MyService/weather_read"] }]`, and `securedRoute` turns
 * that same declaration into the middleware that enforces it, so the OpenAPI
 * document and the behaviour cannot drift apart.
 * @module
 */
import type { RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { ConfigError } from "../errors.ts";
import { type AccessTokenAuthOptions, type AccessTokenVariables, accessTokenAuth } from "../hono/access-token-auth.ts";

/** The name of the security scheme registered in the document, unless `securityScheme` names another. */
export const COGNITO_SECURITY_SCHEME = "cognito";

/** The options of {@link securedRoute}: those of the middleware, less the scopes, which the route declares. */
export interface SecuredRouteOptions<T extends object> extends Omit<AccessTokenAuthOptions<T>, "requiredScopes"> {
  /** The security scheme whose scopes are enforced; the route may name no other. Default `cognito`. */
  securityScheme?: string;
}

/** The route's own middleware as a tuple: none when it declares none. */
/** A route's `middleware` as a list (one handler, a list, or none), for {@link SecuredRoute}'s type. */
export type AsArray<M> = M extends readonly MiddlewareHandler[] ? M : M extends MiddlewareHandler ? [M] : [];

/**
 * The route, with the enforcement first among its middleware: its handler sees
 * `c.var.accessToken` typed.
 */
export type SecuredRoute<R extends RouteConfig, T> = Omit<R, "middleware"> & {
  middleware: [MiddlewareHandler<{ Variables: AccessTokenVariables<T> }>, ...AsArray<R["middleware"]>];
};

/**
 * Adds the enforcement of `route.security` to the route's middleware.
 * @throws {ConfigError} when the route declares no security, or a scheme other than `securityScheme`
 * @example
 * const route = securedRoute(createRoute({
 *   method: "get", path: "/weatherforecast",
 *   security: [{ cognito: ["MyService/weather_read"] }],
 *   responses: { 200: { description: "ok" } },
 * }), { verifier });
 */
export function securedRoute<R extends RouteConfig, T extends object>(route: R, options: SecuredRouteOptions<T>): SecuredRoute<R, T> {
  const { securityScheme = COGNITO_SECURITY_SCHEME, ...authOptions } = options ?? ({} as SecuredRouteOptions<T>);
  if (typeof securityScheme !== "string" || securityScheme === "") {
    throw new ConfigError("securityScheme must be a scheme name", "securityScheme");
  }
  const security = route.security;
  if (!security || security.length === 0) {
    throw new ConfigError(`route ${route.method.toUpperCase()} ${route.path} declares no security`, "route.security");
  }
  const requiredScopes = security.map((requirement) => {
    const schemes = Object.keys(requirement);
    if (schemes.length !== 1 || schemes[0] !== securityScheme) {
      throw new ConfigError(`route ${route.path}: only the "${securityScheme}" security scheme is enforced`, "route.security");
    }
    return requirement[securityScheme]!;
  });
  const existing = route.middleware === undefined ? [] : Array.isArray(route.middleware) ? route.middleware : [route.middleware];
  const middleware = [accessTokenAuth({ ...authOptions, requiredScopes }), ...existing];
  // The compiler cannot follow R's own middleware type through the spread; the tuple is the one declared.
  return { ...route, middleware } as unknown as SecuredRoute<R, T>;
}

/**
 * The `oauth2` client-credentials security scheme, for `openAPIRegistry.registerComponent`.
 * @example
 * app.openAPIRegistry.registerComponent("securitySchemes", COGNITO_SECURITY_SCHEME, cognitoSecurityScheme(tokenUrl, scopes));
 */
export function cognitoSecurityScheme(tokenUrl: string, scopes: Record<string, string>) {
  return {
    type: "oauth2" as const,
    description: "An Amazon Cognito access token from the client-credentials grant.",
    flows: { clientCredentials: { tokenUrl, scopes } },
  };
}
