/**
 * The issuers (`iss`) of a Cognito user pool's tokens, derived from its id.
 *
 * A pool has two issuer formats (AWS, "IssuerConfigurationType",
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_IssuerConfigurationType.html):
 * - ORIGINAL, the default: `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`;
 * - UPDATED, "recommended for all user pools, including for multi-Region replication":
 *   `https://issuer-cognito-idp.<region>.amazonaws.com/<userPoolId>`, "where region is
 *   the primary AWS Region of your user pool" (so every Region issues the same `iss`).
 * Each serves its JWKS at `<issuer>/.well-known/jwks.json` ("Identity provider and
 * relying party endpoints", https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html).
 *
 * As aws-jwt-verify does since 5.2.0 (src/cognito-verifier.ts: one issuer config per
 * format for each pool, the Region taken from the pool id's prefix, the same
 * USER_POOL_ID_REGEX), both formats are accepted for the pool's own Region unless
 * `issuerFormat` narrows them. `additionalRegions` is this library's addition for a
 * replicated pool on ORIGINAL, whose replicas may stamp their own Region: aws-jwt-verify
 * derives no such issuer, and AWS does not document what `iss` a replica writes under
 * ORIGINAL, so list additional Regions only for a pool that needs them.
 * @module
 */
import { ConfigError } from "../errors.ts";

export type CognitoIssuerFormat = "ORIGINAL" | "UPDATED";

export interface CognitoUserPool {
  /** `<region>_<id>`, e.g. `us-east-1_AbCdEfGhI`; its prefix is the pool's primary Region. */
  userPoolId: string;
  /** Regions of replicas whose tokens carry their own Region's ORIGINAL issuer. */
  additionalRegions?: readonly string[];
  /** Accept only one format; default both. */
  issuerFormat?: CognitoIssuerFormat;
}

// aws-jwt-verify 5.2.1, CognitoJwtVerifier.USER_POOL_ID_REGEX (eusc- Regions included).
const REGION = "(?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\\d";
const USER_POOL_ID = new RegExp(`^(${REGION})_[a-zA-Z0-9]+$`);
const REGION_ONLY = new RegExp(`^${REGION}$`);

/**
 * The ORIGINAL-format issuer of a pool in one Region.
 * @example
 * cognitoIssuer("us-east-1", "us-east-1_AbCdEfGhI"); // "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"
 */
export function cognitoIssuer(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

/**
 * The UPDATED-format issuer of a pool, in its primary Region.
 * @example
 * cognitoUpdatedIssuer("us-east-1", "us-east-1_AbCdEfGhI"); // "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"
 */
export function cognitoUpdatedIssuer(region: string, userPoolId: string): string {
  return `https://issuer-cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

/**
 * Every issuer a pool's tokens may carry: for its own Region the ORIGINAL and the
 * UPDATED issuer, for each additional Region the ORIGINAL one; `issuerFormat` keeps
 * one format (with UPDATED, additional Regions add nothing: replicas issue the
 * primary Region's issuer).
 * @throws {ConfigError} naming `userPoolId`, `additionalRegions` or `issuerFormat`
 * @example
 * cognitoIssuers({ userPoolId: "us-east-1_AbCdEfGhI", additionalRegions: ["eu-west-1"] });
 * // ["https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI",
 * //  "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI",
 * //  "https://cognito-idp.eu-west-1.amazonaws.com/us-east-1_AbCdEfGhI"]
 */
export function cognitoIssuers(pool: CognitoUserPool): string[] {
  const { userPoolId, additionalRegions = [], issuerFormat } = pool;
  const match = typeof userPoolId === "string" ? USER_POOL_ID.exec(userPoolId) : null;
  if (match === null) throw new ConfigError("userPoolId must look like <region>_<id>, e.g. us-east-1_AbCdEfGhI", "userPoolId");
  const region = match[1]!;
  if (issuerFormat !== undefined && issuerFormat !== "ORIGINAL" && issuerFormat !== "UPDATED") {
    throw new ConfigError('issuerFormat must be "ORIGINAL" or "UPDATED" (or left out for both)', "issuerFormat");
  }
  if (!Array.isArray(additionalRegions)) throw new ConfigError("additionalRegions must be a list of Regions", "additionalRegions");
  const seen = new Set([region]);
  for (const extra of additionalRegions as readonly unknown[]) {
    if (typeof extra !== "string" || !REGION_ONLY.test(extra)) {
      throw new ConfigError("additionalRegions holds a value that is not a Region, e.g. eu-west-1", "additionalRegions");
    }
    if (seen.has(extra))
      throw new ConfigError(`additionalRegions names ${extra} twice or names the pool's own Region`, "additionalRegions");
    seen.add(extra);
  }
  const issuers: string[] = [];
  if (issuerFormat !== "UPDATED") issuers.push(cognitoIssuer(region, userPoolId));
  if (issuerFormat !== "ORIGINAL") issuers.push(cognitoUpdatedIssuer(region, userPoolId));
  if (issuerFormat !== "UPDATED") for (const extra of additionalRegions) issuers.push(cognitoIssuer(extra, userPoolId));
  return issuers;
}
