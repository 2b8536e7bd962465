/**
 * The security headers of every answer MyBFF and MyService make themselves (API
 * answers, the OpenAPI document, 404s, errors). Their `/docs` pages get their own
 * (MyBFF: `public/_headers`; MyService: docsSecurityHeaders).
 *
 * An API answer is never a document to render, so its policy allows nothing at
 * all (`default-src 'none'`). `Strict-Transport-Security` is sent over https only:
 * over http a browser must ignore it (RFC 6797 §8.1), and locally it would only
 * be noise.
 *
 * The headers are those hono's `secureHeaders` sends with these options (its defaults,
 * the policy, `Referrer-Policy`, `X-Content-Type-Options`, `X-Frame-Options`), written
 * out as constants. The two `secureHeaders` middlewares this module built at load time
 * (their header lists, a regex replace per policy directive) were the largest part of
 * MyService's and MyBFF's startup beyond the plain Worker's: with bench/startup.mjs's
 * method (fresh workerd, 6 rounds of 3 samples, on a busy machine, 2026-12-07) the
 * import's CPU time went from 1.66x to 1.19x the plain Worker's for MyService and from
 * 1.60x to 1.15x for MyBFF (wall time, median: 1.45x to 1.25x and 1.52x to 1.06x).
 * workers/service/test/security-headers.test.ts checks that both send the same headers.
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** A year, as the HSTS preload list asks; subdomains included. */
export const HSTS = "max-age=31536000; includeSubDomains";

/** hono's `secureHeaders` defaults, in its order, then the policy it appends. */
const API_HEADERS: readonly (readonly [string, string])[] = [
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "no-referrer"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "DENY"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"],
];

/**
 * Adds the security headers to the answer (replacing any the route set) and removes
 * `X-Powered-By`; `Strict-Transport-Security` only when the request came over https.
 * @example
 * ```ts
 * app.use(securityHeaders()); // before any route
 * ```
 */
export function securityHeaders(): MiddlewareHandler {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    const headers = c.res.headers;
    for (const [name, value] of API_HEADERS) headers.set(name, value);
    if (new URL(c.req.url).protocol === "https:") headers.set("Strict-Transport-Security", HSTS);
    headers.delete("X-Powered-By");
  };
}
