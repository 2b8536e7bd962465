/**
 * The shared, WebCrypto-only library of this project: a Cognito access-token
 * verifier (and the generic JWT verifier under it) and its Hono middleware.
 * @module
 */
export * from "./errors";
export * from "./jwt/algorithms";
export * from "./jwt/jwt-verifier";
export * from "./jwt/registered-claims";
export * from "./jwks/remote-jwks";
export * from "./cognito/cognito-access-token";
export * from "./cognito/cognito-verifier";
export * from "./log";
export * from "./hono/bearer-token";
export * from "./hono/auth-responses";
export * from "./hono/cognito-auth";
export * from "./hono/secured-route";
export * from "./client-credentials/request-token";
export * from "./client-credentials/request-token-with-retries";
export * from "./client-credentials/encrypted-token-store";
export * from "./client-credentials/client-credentials-token-cache";
export * from "./hono/problem";
export * from "./once-per-env";
export * from "./hono/wait-until";
export * from "./is-timeout";
