/**
 * The security headers of every answer the worker makes: the API answers, the
 * OpenAPI document, 404s and errors through hono's `secureHeaders`, and the static
 * `/docs` files (Swagger UI), which run through the worker first (wrangler.toml
 * `run_worker_first`) to get theirs from {@link docsSecurityHeaders}.
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
const HSTS = "max-age=31536000; includeSubDomains";

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

/**
 * The headers of a `/docs` file. Scripts, styles and fonts come from this origin
 * only: no CDN, no inline script or style, no eval; Swagger UI draws its icons as
 * data: images. The one other origin is the token endpoint's, for the Authorize
 * button (Swagger UI posts the client-credentials grant there): exactly that origin,
 * from COGNITO_TOKEN_URL, never a wildcard such as `https://*.amazoncognito.com`,
 * which any AWS customer can fill with a domain of their own.
 * @example
 * docsSecurityHeaders("https://acme.auth.us-east-1.amazoncognito.com", true);
 */
export function docsSecurityHeaders(tokenOrigin: string, https: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src 'self' ${tokenOrigin}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
  if (https) headers["Strict-Transport-Security"] = HSTS;
  return headers;
}
