/**
 * `edge-cc-auth/client-credentials`: an OAuth 2.0 client-credentials token shared by
 * every isolate of a Worker (isolate memory, then Workers KV encrypted with the
 * client secret, then the token endpoint), and the token requests under it.
 * @module
 */
export * from "./client-credentials-token-cache.ts";
export * from "./encrypted-token-store.ts";
export * from "./request-token.ts";
export * from "./request-token-with-retries.ts";
