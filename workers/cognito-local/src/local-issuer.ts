/**
 * Where each issuer format lives on this machine. Cognito serves the two formats from
 * two hosts, `https://cognito-idp.<region>.amazonaws.com/<poolId>` (ORIGINAL) and
 * `https://issuer-cognito-idp.<region>.amazonaws.com/<poolId>` (UPDATED); cognito-local
 * maps them to two loopback hosts on its one port, so that a verifier configured for the
 * wrong format fails locally as it would against AWS:
 *
 *   UPDATED   ->  <ISSUER_ORIGIN>/<poolId>             http://127.0.0.1:8789/<poolId>
 *   ORIGINAL  ->  ISSUER_ORIGIN with host localhost     http://localhost:8789/<poolId>
 *
 * UPDATED, the format infra/cognito.yaml pins, keeps 127.0.0.1, so the default local
 * issuer is the one every dev setting already names.
 * @module
 */
import type { IssuerFormat } from "./template/pool-definition";

/** The issuer of a pool of this format, served by cognito-local at `issuerOrigin` (an IPv4 loopback origin). */
export function localIssuer(issuerOrigin: URL, format: IssuerFormat, poolId: string): string {
  const origin = new URL(issuerOrigin.origin);
  if (format === "ORIGINAL") origin.hostname = "localhost";
  return `${origin.origin}/${poolId}`;
}
