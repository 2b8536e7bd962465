/**
 * The security headers of every answer MyBFF and MyService make themselves (API
 * answers, the OpenAPI document, 404s, errors), through hono's `secureHeaders`. Their
 * `/docs` pages get their own (MyBFF: `public/_headers`; MyService: docsSecurityHeaders).
 *
 * An API answer is never a document to render, so its policy allows nothing at
 * all (`default-src 'none'`). `Strict-Transport-Security` is sent over https only:
 * over http a browser must ignore it (RFC 6797 §8.1), and locally it would only
 * be noise.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/** A year, as the HSTS preload list asks; subdomains included. */
export const HSTS = "max-age=31536000; includeSubDomains";

const common = {
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  referrerPolicy: "no-referrer",
  xContentTypeOptions: "nosniff",
  xFrameOptions: "DENY",
};
const overHttps = secureHeaders({ ...common, strictTransportSecurity: HSTS });
const overHttp = secureHeaders({ ...common, strictTransportSecurity: false });

/**
 * Adds the security headers to the answer; `Strict-Transport-Security` only when
 * the request came over https.
 * @example
 * ```ts
 * app.use(securityHeaders()); // before any route
 * ```
 */
export function securityHeaders(): MiddlewareHandler {
  return async function securityHeadersMiddleware(c, next) {
    const https = new URL(c.req.url).protocol === "https:";
    return (https ? overHttps : overHttp)(c, next);
  };
}
