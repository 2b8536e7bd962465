/**
 * `edge-cc-auth/client-credentials`: an OAuth 2.0 client-credentials token shared by
 * every isolate of a Worker (isolate memory, then Workers KV encrypted with the
 * client secret, then the token endpoint), the token requests under it, and the
 * back-off that remembers their failures.
 * @module
 */
export * from "./client-credentials-token-cache.ts";
export * from "./coordinator-client.ts";
export * from "./encrypted-token-store.ts";
export * from "./request-token.ts";
export * from "./request-token-with-retries.ts";
export {
  type BackOffRecord,
  backOffDelayMs,
  backOffStoreKey,
  isConfigurationRejection,
  TOKEN_BACKOFF_BASE_MS,
  TOKEN_BACKOFF_MAX_MS,
} from "./token-backoff.ts";
export * from "./token-coordinator.ts";
