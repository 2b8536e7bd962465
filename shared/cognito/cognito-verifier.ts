/**
 * A verifier for Amazon Cognito access tokens: the generic JWT verifier with the
 * issuers and key URLs of a user pool, plus `token_use` and `client_id` checks.
 *
 * Stricter than what ASP.NET's JwtBearer does with only a metadata address (no
 * issuer check at all): the issuers are required and compared exactly, and the
 * allowed clients must be listed, or `"*"` given to allow any client of the pool.
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { JwsAlgorithm } from "../jwt/algorithms.ts";
import { JwtVerifier, type JwtVerifierOptions } from "../jwt/jwt-verifier.ts";
import type { Logger } from "../log.ts";
import { type AllowedClients, type CognitoAccessToken, readCognitoAccessToken } from "./cognito-access-token.ts";
import { type CognitoIssuerFormat, cognitoIssuers } from "./cognito-issuers.ts";

/** Give exactly one of `issuer` and `userPoolId`. */
export interface CognitoVerifierOptions
  extends Omit<JwtVerifierOptions<CognitoAccessToken>, "claims" | "algorithms" | "issuer" | "audience" | "profile"> {
  /** The exact issuers, e.g. for a local Cognito or any issuer not on AWS (see {@link cognitoIssuers}). */
  issuer?: string | readonly string[];
  /** The pool, from which the issuers are derived: both formats in its Region (see {@link cognitoIssuers}). */
  userPoolId?: string;
  /** With `userPoolId`: accept only this issuer format. Default both. */
  issuerFormat?: CognitoIssuerFormat;
  /** The app client ids allowed to call, or `"*"` for any client of the pool. Never defaulted. */
  clientIds: readonly string[] | "*";
  /** Default `["RS256"]`, which is what Cognito signs with. */
  algorithms?: readonly JwsAlgorithm[];
  /** Where the verifier's events go. Default {@link jsonLineLogger}`()`. */
  logger?: Logger;
}

function checkClientIds(clientIds: unknown): AllowedClients {
  if (clientIds === "*") return "*";
  if (!Array.isArray(clientIds) || clientIds.length === 0) {
    throw new ConfigError('clientIds must list at least one client id, or be "*" for any client of the pool', "clientIds");
  }
  for (const id of clientIds) {
    if (typeof id !== "string" || !/^[A-Za-z0-9_+-]{1,128}$/.test(id)) {
      throw new ConfigError("clientIds holds a value that is not a client id", "clientIds");
    }
  }
  return new Set(clientIds as string[]);
}

function issuersOf(options: CognitoVerifierOptions): string | readonly string[] {
  const { issuer, userPoolId, issuerFormat } = options;
  if (userPoolId !== undefined && issuer === undefined) return cognitoIssuers({ userPoolId, issuerFormat });
  if (issuer === undefined || userPoolId !== undefined) {
    throw new ConfigError("give exactly one of issuer and userPoolId", "issuer/userPoolId");
  }
  if (issuerFormat !== undefined) throw new ConfigError("issuerFormat goes with userPoolId, not with issuer", "issuerFormat");
  return issuer;
}

/** The JWT verifier with a Cognito pool's issuers and claims: `verify`, `verifyCached`, `forget`, `jwks` as it has them. */
export class CognitoAccessTokenVerifier extends JwtVerifier<CognitoAccessToken> {
  /**
   * @throws {ConfigError} when an option is missing or invalid
   * @example
   * const verifier = new CognitoAccessTokenVerifier({
   *   userPoolId: "us-east-1_AbCdEfGhI", // both issuer formats of the pool
   *   clientIds: ["1example23456789"],
   * });
   * const token = await verifier.verify(bearerToken); // throws TokenRejectedError
   * token.scopes.includes("MyService/weather_read");
   */
  constructor(options: CognitoVerifierOptions) {
    const allowedClients = checkClientIds(options.clientIds);
    const issuer = issuersOf(options);
    // `rest` carries the caller's `logger` on to the JWT verifier and its key sets.
    const { userPoolId: _pool, issuerFormat: _format, clientIds: _clients, ...rest } = options;
    super({
      ...rest,
      issuer,
      // Cognito access tokens carry no aud and no typ: the client is checked in `claims`.
      audience: "*",
      profile: undefined,
      claims: (payload, registered) => readCognitoAccessToken(payload, registered, allowedClients),
    });
  }
}
