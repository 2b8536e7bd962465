/**
 * The issuers a verifier may be configured with. An issuer is compared with `iss`
 * byte for byte, so it must be written exactly as a URL parser writes it back
 * (`new URL(x).href`): anything the parser would rewrite (an upper-case host, the
 * default port, a dot segment, a space, a bare `?` or `#`) is an issuer no token
 * carries, or one that means something else to the next tool that reads it. An
 * origin-only issuer (`https://auth.example`) is taken without the slash the parser
 * adds. The library's URL rule (urlOption: https, plain http only on loopback, no
 * userinfo), and no query or fragment.
 * @module
 */
import { ConfigError } from "../errors.ts";
import { urlOption } from "../options.ts";

/**
 * One issuer, checked; the error names `option`.
 * @throws {ConfigError} when it is not an acceptable issuer
 * @example
 * checkIssuer("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI");
 */
function checkIssuer(issuer: unknown, option = "issuer"): string {
  const url = urlOption(option, issuer);
  // `search` and `hash` are empty for a bare "?" or "#": look at the text itself.
  if (typeof issuer !== "string" || issuer.endsWith("/") || issuer.includes("?") || issuer.includes("#")) {
    throw new ConfigError(`${option} must have no trailing slash, query or fragment`, option);
  }
  const readBack = url.pathname === "/" ? url.href.slice(0, -1) : url.href;
  if (readBack !== issuer) {
    throw new ConfigError(`${option} must be written as a URL parser writes it (here ${readBack})`, option);
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
  if (list.length === 0) throw new ConfigError("issuer must name at least one URL", "issuer");
  const issuers = list.map((one) => checkIssuer(one));
  if (new Set(issuers).size !== issuers.length) throw new ConfigError("issuer names the same URL twice", "issuer");
  return issuers;
}
