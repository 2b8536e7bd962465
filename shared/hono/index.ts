/**
 * `edge-cc-auth/hono`: the Hono middleware that admits a request only with a valid
 * access token and the scopes it needs, and the RFC 9457 problem answers (401/403
 * with RFC 6750 `WWW-Authenticate`, 404, 500, 503) it and your routes send.
 * Needs `hono` (a peer dependency).
 * @module
 */
export {
  type AccessTokenAuthOptions,
  type AccessTokenVariables,
  type AccessTokenVerifier,
  accessTokenAuth,
} from "./access-token-auth.ts";
export { misconfigured } from "./auth-responses.ts";
export {
  notFoundProblem,
  type ProblemErrorHandlerOptions,
  type ProblemOptions,
  problem,
  problemErrorHandler,
} from "./problem.ts";
export { waitUntilOf } from "./wait-until.ts";
