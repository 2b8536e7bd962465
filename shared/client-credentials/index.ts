/**
 * `edge-cc-auth/client-credentials`: an OAuth 2.0 client-credentials token shared by
 * every isolate of a Worker (isolate memory, then Workers KV encrypted with the
 * client secret, then the token endpoint), and the back-off that remembers failed
 * requests. The Durable Object that coordinates renewals is in
 * `edge-cc-auth/token-coordinator`.
 * @module
 */
export {
  type BackOffOptions,
  ClientCredentialsTokenCache,
  type ClientCredentialsTokenCacheOptions,
  type GetTokenOptions,
} from "./client-credentials-token-cache.ts";
export {
  type CoordinatorClientOptions,
  type CoordinatorNamespace,
  coordinatorClient,
  type TokenCoordinatorClient,
} from "./coordinator-client.ts";
export type { IssuedToken, TokenEndpointOptions } from "./request-token.ts";
export type { RetryOptions } from "./request-token-with-retries.ts";
export { isConfigurationRejection, TOKEN_BACKOFF_MAX_MS } from "./token-backoff.ts";
// Types of the coordinator's protocol that the client's declarations name.
export type { CoordinatorAsk } from "./token-coordinator.ts";
// Until MyBFF imports it from edge-cc-auth/token-coordinator.
export { tokenCoordinator } from "./token-coordinator.ts";
