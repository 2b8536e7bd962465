/**
 * edge-cc-auth: a WebCrypto-only verifier for OAuth 2.0 access tokens (JWTs signed
 * with keys from the issuer's JWKS), with a Cognito layer on top. Runs wherever the
 * standard Web APIs do: Cloudflare Workers first.
 *
 * The other entry points: `edge-cc-auth/hono` (middleware and problem answers),
 * `edge-cc-auth/openapi` (routes whose OpenAPI `security` is enforced) and
 * `edge-cc-auth/client-credentials` (a shared, cached client-credentials token).
 * @module
 */

export * from "./cognito/cognito-access-token.ts";
export * from "./cognito/cognito-issuers.ts";
export * from "./cognito/cognito-verifier.ts";
export * from "./errors.ts";
export * from "./http/is-timeout.ts";
export * from "./http/read-body.ts";
export * from "./jwks/remote-jwks.ts";
export * from "./jwt/algorithms.ts";
export * from "./jwt/jwt-verifier.ts";
export * from "./jwt/loopback.ts";
export * from "./jwt/registered-claims.ts";
export type * from "./key-value-store.ts";
export * from "./log.ts";
export * from "./once-per-env.ts";
export * from "./options.ts";
