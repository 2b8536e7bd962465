/**
 * `edge-cc-auth/openapi`: routes of `@hono/zod-openapi` whose declared `security`
 * is what the middleware enforces, the client-credentials security scheme, and the
 * problem schema for documented error answers. Needs `hono` and `@hono/zod-openapi`
 * (peer dependencies); kept apart from `edge-cc-auth/hono` so that plain Hono apps
 * do not need zod.
 * @module
 */
export { problemResponse, problemSchema } from "./problem-response.ts";
export {
  type AsArray,
  COGNITO_SECURITY_SCHEME,
  cognitoSecurityScheme,
  type SecuredRoute,
  type SecuredRouteOptions,
  securedRoute,
} from "./secured-route.ts";
