/**
 * Which AWS partition a Region is in, and the Cognito user pool hosts there. Only
 * hosts that a source confirms are listed; a partition or format whose host is not
 * confirmed has none, and asking for it is a ConfigError rather than a guess.
 *
 * Sources:
 * - Partitions, their Region patterns and DNS suffixes: the AWS SDK for JavaScript v3,
 *   `packages/util-endpoints/src/lib/aws/partitions.json` (aws: `amazonaws.com`;
 *   aws-cn: `amazonaws.com.cn`; aws-us-gov: `amazonaws.com`; aws-eusc: `amazonaws.eu`).
 * - The user pool API host: the SDK's endpoint rules for Cognito user pools
 *   (`clients/client-cognito-identity-provider/src/endpoint/ruleset.ts`), whose default
 *   is `https://cognito-idp.{Region}.{dnsSuffix}` and, with FIPS,
 *   `https://cognito-idp-fips.{Region}.{dnsSuffix}`; AWS, "Amazon Cognito endpoints
 *   and quotas", https://docs.aws.amazon.com/general/latest/gr/cognito.html.
 * - GovCloud: "Amazon Cognito in AWS GovCloud (US) uses FIPS endpoints only. The API
 *   service endpoints are cognito-idp-fips.us-gov-west-1.amazonaws.com and
 *   cognito-idp-fips.us-gov-east-1.amazonaws.com" (AWS GovCloud (US) User Guide,
 *   "Amazon Cognito", https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/govcloud-cog.html).
 *   Which host a GovCloud pool's `iss` names is not documented: no issuer is derived there.
 * - Issuer hosts: ORIGINAL "is hosted in the user pool's region" on the regional
 *   `cognito-idp` host; UPDATED is `issuer-cognito-idp.<region>.amazonaws.com`
 *   (AWS, "IssuerConfigurationType",
 *   https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_IssuerConfigurationType.html;
 *   keys at `https://cognito-idp.<Region>.amazonaws.com/<pool>/.well-known/jwks.json`,
 *   "Identity provider and relying party endpoints",
 *   https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html).
 *   No page gives the UPDATED host outside the aws partition (the China edition of
 *   the page prints the aws one), so UPDATED is derived in the aws partition only.
 * @module
 */
import { ConfigError } from "../errors.ts";

/** The two issuer formats of a pool (cognito-issuers.ts). */
export type CognitoIssuerFormat = "ORIGINAL" | "UPDATED";

type CognitoPartitionId = "aws" | "aws-cn" | "aws-us-gov" | "aws-eusc";

interface CognitoPartition {
  id: CognitoPartitionId;
  /** The SDK's `regionRegex` for the partition. */
  regions: RegExp;
  dnsSuffix: string;
  /** First label of the user pool API host. */
  apiHost: string;
  /** First label of each issuer format's host, where a source confirms it. */
  issuerHosts: Partial<Record<CognitoIssuerFormat, string>>;
}

const PARTITIONS: readonly CognitoPartition[] = [
  {
    id: "aws",
    regions: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
    dnsSuffix: "amazonaws.com",
    apiHost: "cognito-idp",
    issuerHosts: { ORIGINAL: "cognito-idp", UPDATED: "issuer-cognito-idp" },
  },
  {
    id: "aws-cn",
    regions: /^cn-\w+-\d+$/,
    dnsSuffix: "amazonaws.com.cn",
    apiHost: "cognito-idp",
    issuerHosts: { ORIGINAL: "cognito-idp" },
  },
  { id: "aws-us-gov", regions: /^us-gov-\w+-\d+$/, dnsSuffix: "amazonaws.com", apiHost: "cognito-idp-fips", issuerHosts: {} },
  {
    id: "aws-eusc",
    regions: /^eusc-(de)-\w+-\d+$/,
    dnsSuffix: "amazonaws.eu",
    apiHost: "cognito-idp",
    issuerHosts: { ORIGINAL: "cognito-idp" },
  },
];

/**
 * The partition of a Region, among those whose Cognito hosts are listed here.
 * @throws {ConfigError} naming `option` for a Region of any other partition
 */
export function cognitoPartition(region: string, option: string): CognitoPartition {
  // `\w` admits "_", which no Region has; a pool id's suffix must not pass as a Region.
  const partition = region.includes("_") ? undefined : PARTITIONS.find((p) => p.regions.test(region));
  if (partition === undefined) {
    throw new ConfigError(
      `${option} names a Region (${JSON.stringify(region)}) outside the partitions whose Cognito hosts are confirmed (aws, aws-cn, aws-us-gov, aws-eusc)`,
      option,
    );
  }
  return partition;
}

/**
 * The Cognito user pool API endpoint of a Region (where `GetClientToken` is sent),
 * with its partition's host and suffix.
 * @throws {ConfigError} naming `region` for a Region outside the listed partitions
 * @example
 * cognitoApiEndpoint("eu-west-1"); // "https://cognito-idp.eu-west-1.amazonaws.com/"
 * cognitoApiEndpoint("cn-north-1"); // "https://cognito-idp.cn-north-1.amazonaws.com.cn/"
 * cognitoApiEndpoint("us-gov-west-1"); // "https://cognito-idp-fips.us-gov-west-1.amazonaws.com/"
 */
export function cognitoApiEndpoint(region: string): string {
  if (typeof region !== "string") throw new ConfigError("region must be an AWS Region, e.g. eu-west-1", "region");
  const partition = cognitoPartition(region, "region");
  return `https://${partition.apiHost}.${region}.${partition.dnsSuffix}/`;
}
