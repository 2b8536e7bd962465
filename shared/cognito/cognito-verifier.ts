/**
 * A verifier for Amazon Cognito access tokens: the generic JWT verifier with the
 * issuer and key URL of a user pool, plus `token_use` and `client_id` checks.
 *
 * Stricter than what ASP.NET's JwtBearer does with only a metadata address (no
 * issuer check at all): the issuer is required and compared exactly, and the
 * allowed clients must be listed, or `"*"` given to allow any client of the pool.
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { JwsAlgorithm } from "../jwt/algorithms.ts";
import { JwtVerifier, type JwtVerifierOptions, type VerifyOptions } from "../jwt/jwt-verifier.ts";
import { readCognitoAccessToken, type AllowedClients, type CognitoAccessToken } from "./cognito-access-token.ts";

export interface CognitoVerifierOptions
  extends Omit<JwtVerifierOptions<CognitoAccessToken>, "claims" | "algorithms"> {
  /** `https://cognito-idp.<region>.amazonaws.com/<userPoolId>` (see {@link cognitoIssuer}). */
  issuer: string;
  /** The app client ids allowed to call, or `"*"` for any client of the pool. Never defaulted. */
  clientIds: readonly string[] | "*";
  /** Default `["RS256"]`, which is what Cognito signs with. */
  algorithms?: readonly JwsAlgorithm[];
}

/** The issuer of a Cognito user pool's tokens. */
export function cognitoIssuer(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
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

export class CognitoAccessTokenVerifier {
  private readonly verifier: JwtVerifier<CognitoAccessToken>;

  /**
   * @throws {ConfigError} when an option is missing or invalid
   * @example
   * const verifier = new CognitoAccessTokenVerifier({
   *   issuer: cognitoIssuer("us-east-1", "us-east-1_AbCdEfGhI"),
   *   clientIds: ["1example23456789"],
   * });
   * const token = await verifier.verify(bearerToken); // throws TokenRejectedError
   * token.scopes.has("MyService/weather_read");
   */
  constructor(options: CognitoVerifierOptions) {
    const allowedClients = checkClientIds(options.clientIds);
    this.verifier = new JwtVerifier({
      ...options,
      claims: (payload, registered) => readCognitoAccessToken(payload, registered, allowedClients),
    });
  }

  get issuer(): string {
    return this.verifier.issuer;
  }

  /** The key set in use (fetch count, refresh), for diagnostics and tests. */
  get jwks() {
    return this.verifier.jwks;
  }

  verify(token: string, options?: VerifyOptions): Promise<CognitoAccessToken> {
    return this.verifier.verify(token, options);
  }
}
