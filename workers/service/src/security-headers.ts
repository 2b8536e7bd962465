/**
 * The headers of MyService's static `/docs` files (Swagger UI), which run through the
 * worker first (wrangler.toml `run_worker_first`). Its other answers get the workers'
 * kit's securityHeaders, as MyBFF's do.
 * @module
 */
import { HSTS } from "#kit/security-headers.ts";

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
