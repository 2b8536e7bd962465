/**
 * edge-cc-auth: a WebCrypto-only verifier for OAuth 2.0 access tokens (JWTs signed
 * with keys from the issuer's JWKS), with a Cognito layer on top. Runs wherever the
 * standard Web APIs do: Cloudflare Workers first.
 *
 * Each name below is a promise kept across minor versions (see the API report in
 * `api/`); anything not listed here is internal and may change in any release.
 *
 * The other entry points: `edge-cc-auth/hono` (middleware and problem answers),
 * `edge-cc-auth/openapi` (routes whose OpenAPI `security` is enforced),
 * `edge-cc-auth/client-credentials` (a shared, cached client-credentials token) and
 * `edge-cc-auth/token-coordinator` (its Durable Object, Workers only).
 * @module
 */

// The verifiers, their options and what they return.
export type { CognitoAccessToken } from "./cognito/cognito-access-token.ts";
export {
  type CognitoIssuerFormat,
  type CognitoUserPool,
  cognitoIssuer,
  cognitoIssuers,
  cognitoUpdatedIssuer,
  cognitoUserPoolRegion,
} from "./cognito/cognito-issuers.ts";
export { cognitoApiEndpoint } from "./cognito/cognito-partitions.ts";
export { CognitoAccessTokenVerifier, type CognitoVerifierOptions } from "./cognito/cognito-verifier.ts";
// A verifier that reads where the keys are from the issuer's metadata (RFC 8414, OpenID).
export { DiscoveringJwtVerifier, type DiscoveringJwtVerifierOptions } from "./discovery/discovering-jwt-verifier.ts";
export { fetchIssuerMetadata, type IssuerMetadata, type IssuerMetadataOptions } from "./discovery/issuer-metadata.ts";
// Errors, each with a stable `code`.
export {
  ConfigError,
  DiscoveryError,
  EdgeAuthError,
  JwksUnavailableError,
  TokenRejectedError,
  type TokenRejectionCode,
  TokenRequestError,
  type TokenRequestFailureCode,
} from "./errors.ts";
export type { KeySetView, RemoteJwksOptions } from "./jwks/remote-jwks.ts";
export type { SharedKeySetOptions } from "./jwks/shared-key-set.ts";
export type { AccessTokenProfile } from "./jwt/access-token-profile.ts";
export type { JwsAlgorithm } from "./jwt/algorithms.ts";
export { JwtVerifier, type JwtVerifierOptions, type VerifyOptions } from "./jwt/jwt-verifier.ts";
// What "loopback" means in the URL rule (urlOption), for settings of one's own.
export { isLoopbackHost } from "./jwt/loopback.ts";
export type { RegisteredClaims, TimeWindow } from "./jwt/registered-claims.ts";
// What the token cache stores its tokens in (a Workers KV namespace fits it).
export type { KeyValueStore } from "./key-value-store.ts";
// Logging chosen by the caller: each class takes a `logger` option.
export { jsonLineLogger, type LogFields, type Logger, type LogLevel, parseLogLevel, silentLogger } from "./log.ts";
// The one URL rule (https, or http only on loopback; no userinfo), for settings of one's own.
export { urlOption } from "./options.ts";
