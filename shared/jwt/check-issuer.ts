/**
 * The issuers a verifier may be configured with: absolute https URLs with no trailing
 * slash, query or fragment (they are compared with `iss` exactly), and plain http only
 * on an exact loopback host ({@link isLoopbackHost}), for a local issuer.
 * @module
 */
import { ConfigError } from "../errors.ts";
import { isLoopbackHost } from "./loopback.ts";

/**
 * One issuer, checked; the error names `option`.
 * @throws {ConfigError} when it is not an acceptable issuer
 * @example
 * checkIssuer("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI");
 */
function checkIssuer(issuer: unknown, option = "issuer"): string {
  if (typeof issuer !== "string" || issuer === "") throw new ConfigError(`${option} is required`, option);
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError(`${option} is not a URL`, option);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    throw new ConfigError(`${option} must be an https URL (http only on loopback hosts)`, option);
  }
  if (issuer.endsWith("/") || url.search || url.hash) {
    throw new ConfigError(`${option} must have no trailing slash, query or fragment`, option);
  }
  return issuer;
}

/**
 * One issuer or a non-empty list of distinct ones, each checked.
 * @throws {ConfigError} naming `issuer`
 * @example
 * checkIssuers(["https://a.example", "https://b.example"]); // ["https://a.example", "https://b.example"]
 */
export function checkIssuers(issuer: unknown): string[] {
  const list: readonly unknown[] = Array.isArray(issuer) ? issuer : [issuer];
  if (list.length === 0) throw new ConfigError("issuer must name at least one issuer", "issuer");
  const issuers = list.map((one) => checkIssuer(one));
  if (new Set(issuers).size !== issuers.length) throw new ConfigError("issuer names the same issuer twice", "issuer");
  return issuers;
}
