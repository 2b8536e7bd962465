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
 * Outside the aws partition the host suffix differs, and not every host is confirmed:
 * see ./cognito-partitions.ts.
 *
 * Replicas: since 2026-07-28, tokens that a multi-Region replica issues carry the
 * primary Region's issuer under both formats (reported and then confirmed in
 * aws-jwt-verify issue 282, https://github.com/awslabs/aws-jwt-verify/issues/282;
 * aws-jwt-verify closed its `additionalRegions` pull request 285 unmerged,
 * https://github.com/awslabs/aws-jwt-verify/pull/285; AWS asks replicated pools to
 * use the UPDATED issuer, "Multi-Region replication for user pools",
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-multi-region.html).
 * So only the primary Region's issuers are derived: trusting issuers Cognito no
 * longer writes would only widen what is accepted.
 *
 * As aws-jwt-verify does since 5.2.0 (the Region taken from the pool id's prefix, the
 * same USER_POOL_ID_REGEX), both formats are accepted unless `issuerFormat` narrows them.
 * @module
 */
import { ConfigError } from "../errors.ts";
import { type CognitoIssuerFormat, cognitoPartition } from "./cognito-partitions.ts";

export type { CognitoIssuerFormat } from "./cognito-partitions.ts";

export interface CognitoUserPool {
  /** `<region>_<id>`, e.g. `us-east-1_AbCdEfGhI`; its prefix is the pool's primary Region. */
  userPoolId: string;
  /** Accept only one format; default every format whose host is confirmed in the pool's partition. */
  issuerFormat?: CognitoIssuerFormat;
}

// aws-jwt-verify 5.2.1, CognitoJwtVerifier.USER_POOL_ID_REGEX (eusc- Regions included).
const USER_POOL_ID = /^((?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\d)_[a-zA-Z0-9]+$/;
const FORMATS: readonly CognitoIssuerFormat[] = ["ORIGINAL", "UPDATED"];

/**
 * A pool's primary Region, the prefix of its id, by the check its issuers are derived
 * with; so that a worker that reads a pool id (MyBFF's GetClientToken endpoint) accepts
 * exactly the ids the verifier accepts.
 * @throws {ConfigError} naming `userPoolId` when it is not `<region>_<id>`
 * @example
 * cognitoUserPoolRegion("us-east-1_AbCdEfGhI"); // "us-east-1"
 */
export function cognitoUserPoolRegion(userPoolId: string): string {
  const match = typeof userPoolId === "string" ? USER_POOL_ID.exec(userPoolId) : null;
  if (match === null) throw new ConfigError("userPoolId must look like <region>_<id>, e.g. us-east-1_AbCdEfGhI", "userPoolId");
  return match[1]!;
}

/**
 * The ORIGINAL-format issuer of a pool in the aws partition.
 * @example
 * cognitoIssuer("us-east-1", "us-east-1_AbCdEfGhI"); // "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"
 */
export function cognitoIssuer(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

/**
 * The UPDATED-format issuer of a pool in the aws partition, in its primary Region.
 * @example
 * cognitoUpdatedIssuer("us-east-1", "us-east-1_AbCdEfGhI"); // "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"
 */
export function cognitoUpdatedIssuer(region: string, userPoolId: string): string {
  return `https://issuer-cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

/**
 * Every issuer a pool's tokens may carry: the primary Region's ORIGINAL and UPDATED
 * issuers, on the host suffix of the pool's partition, each where its host is
 * confirmed; `issuerFormat` keeps one format.
 * @throws {ConfigError} naming `userPoolId` (malformed, or a partition with no confirmed
 * issuer host) or `issuerFormat` (unknown, or its host not confirmed in that partition)
 * @example
 * cognitoIssuers({ userPoolId: "us-east-1_AbCdEfGhI" });
 * // ["https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI",
 * //  "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"]
 * cognitoIssuers({ userPoolId: "cn-north-1_AbCdEfGhI" });
 * // ["https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbCdEfGhI"]
 */
export function cognitoIssuers(pool: CognitoUserPool): string[] {
  const { userPoolId, issuerFormat } = pool;
  const region = cognitoUserPoolRegion(userPoolId);
  if (issuerFormat !== undefined && !FORMATS.includes(issuerFormat)) {
    throw new ConfigError('issuerFormat must be "ORIGINAL" or "UPDATED" (or left out for both)', "issuerFormat");
  }
  const partition = cognitoPartition(region, "userPoolId");
  const formats = (issuerFormat === undefined ? FORMATS : [issuerFormat]).filter((format) => partition.issuerHosts[format] !== undefined);
  if (formats.length === 0) {
    const option = issuerFormat === undefined ? "userPoolId" : "issuerFormat";
    const what = issuerFormat === undefined ? "no issuer host" : `no ${issuerFormat} issuer host`;
    throw new ConfigError(
      `${option}: a pool in ${partition.id} has ${what} that AWS documents; give the exact issuer (your tokens' iss) with issuer instead`,
      option,
    );
  }
  return formats.map((format) => `https://${partition.issuerHosts[format]}.${region}.${partition.dnsSuffix}/${userPoolId}`);
}
