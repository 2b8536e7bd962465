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
 * out as constants: `secureHeaders` builds its header list when it is called, at module
 * load, with a regex replace per policy directive, and that was the largest single cost
 * of MyService's and MyBFF's startup beyond the plain Worker's (bench/RESULTS.md §4: about
 * 0.2 ms of a 3 to 4 ms import in a fresh workerd, ~0.06x the plain Worker's startup).
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
