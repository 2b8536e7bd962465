// What a Cognito user pool's identifiers look like, for the deploy scripts: the pool
// id and the two issuer formats of its tokens (AWS, "IssuerConfigurationType",
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_IssuerConfigurationType.html):
//   ORIGINAL  https://cognito-idp.<region>.amazonaws.com/<poolId>
//   UPDATED   https://issuer-cognito-idp.<region>.amazonaws.com/<poolId>
// The pool id pattern is edge-cc-auth's (shared/cognito/cognito-issuers.ts, after aws-jwt-verify 5.2.1).

const REGION = "(?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\\d";
export const USER_POOL_ID = new RegExp(`^(${REGION})_[a-zA-Z0-9]+$`);
export const REGION_NAME = new RegExp(`^${REGION}$`);
/** Any issuer of a Cognito pool, of either format; group 1 is the host prefix, 2 the Region, 3 the pool id. */
export const COGNITO_ISSUER = new RegExp(
  `^https://(cognito-idp|issuer-cognito-idp)\\.(${REGION})\\.amazonaws\\.com/((${REGION})_[a-zA-Z0-9]+)$`,
);

/**
 * The format of an issuer of the given pool, or null when it is not one of the pool's
 * own-Region issuers.
 * @param {string} issuer
 * @param {string} userPoolId
 * @returns {"ORIGINAL" | "UPDATED" | null}
 */
export function issuerFormatOf(issuer, userPoolId) {
  const region = USER_POOL_ID.exec(userPoolId)?.[1];
  if (region === undefined) return null;
  if (issuer === `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`) return "ORIGINAL";
  if (issuer === `https://issuer-cognito-idp.${region}.amazonaws.com/${userPoolId}`) return "UPDATED";
  return null;
}
