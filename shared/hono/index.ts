/**
 * `edge-cc-auth/hono`: the Hono middleware that admits a request only with a valid
 * Cognito access token and the scopes it needs, and the RFC 9457 problem answers
 * (401/403 with RFC 6750 `WWW-Authenticate`, 404, 500, 503) it and your routes send.
 * Needs `hono` (a peer dependency).
 * @module
 */
export * from "./auth-responses.ts";
export * from "./bearer-token.ts";
export * from "./cognito-auth.ts";
export * from "./problem.ts";
export * from "./wait-until.ts";
