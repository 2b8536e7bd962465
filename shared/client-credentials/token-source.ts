/**
 * Where the token cache and the coordinator get a token when they hold none: one
 * interface, so that a second source (Cognito's GetClientToken, which needs no user
 * pool domain) can sit beside the OAuth 2.0 token endpoint without touching the
 * tiers, the back-off or the coordinator.
 * @module
 */
import { requestClientToken } from "./get-client-token.ts";
import type { IssuedToken, TokenEndpointOptions } from "./request-token.ts";
import { type RetryOptions, requestTokenWithRetries } from "./request-token-with-retries.ts";

export interface TokenSource {
  /** Which source this is, for the log lines. */
  readonly kind: "token_endpoint" | "get_client_token";
  /** What the stored token is keyed by (never the secret): the URL asked, the client, the scopes. */
  readonly endpoint: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The secret that seals what is stored (encrypted-token-store.ts). */
  readonly clientSecret: string;
  /**
   * One token, with at most `retry.maxAttempts` attempts.
   * @throws {TokenRequestError} with a stable code; never holds the secret or a token
   */
  request(retry: RetryOptions | undefined): Promise<IssuedToken>;
}

/**
 * The source `options.tokenRequest` names: the OAuth 2.0 token endpoint (RFC 6749
 * section 4.4, the default) or Cognito's GetClientToken; both retried the same way.
 */
export function tokenSource(options: TokenEndpointOptions, clock: { now: () => number; random: () => number }): TokenSource {
  const getClientToken = options.tokenRequest === "cognito_get_client_token";
  return {
    kind: getClientToken ? "get_client_token" : "token_endpoint",
    endpoint: options.tokenEndpoint,
    clientId: options.clientId,
    scopes: options.scopes,
    clientSecret: options.clientSecret,
    request: (retry) => requestTokenWithRetries(options, retry, clock, getClientToken ? requestClientToken : undefined),
  };
}
