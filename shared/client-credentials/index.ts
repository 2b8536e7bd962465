/**
 * `edge-cc-auth/client-credentials`: an OAuth 2.0 client-credentials token shared by
 * every isolate of a Worker (isolate memory, then Workers KV encrypted with the
 * client secret, then the token endpoint), and the back-off that remembers failed
 * requests. The Durable Object that coordinates renewals is in
 * `edge-cc-auth/token-coordinator`.
 * @module
 */
export { ClientCredentialsTokenCache } from "./client-credentials-token-cache.ts";
// Types of the coordinator's protocol that the client's declarations name.
export type {
  CoordinatorAsk,
  CoordinatorClientOptions,
  CoordinatorNamespace,
  TokenCoordinatorClient,
} from "./coordinator-client.ts";
export { coordinatorClient } from "./coordinator-client.ts";
export type { IssuedToken, TokenEndpointOptions } from "./request-token.ts";
export { isConfigurationRejection } from "./token-backoff.ts";
export type { BackOffOptions, ClientCredentialsTokenCacheOptions, GetTokenOptions, TokenFetchOptions } from "./token-cache-options.ts";
export type { RetryOptions } from "./token-source.ts";
