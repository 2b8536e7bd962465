/**
 * Reads the bearer token from an `Authorization` header (RFC 6750 section 2.1).
 * The scheme is case-insensitive; the token must be one b64token.
 * @module
 */

export type BearerCredentials = { kind: "missing" } | { kind: "malformed"; reason: string } | { kind: "token"; token: string };

// RFC 6750: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SCHEME = /^([A-Za-z][A-Za-z0-9!#$%&'*+\-.^_`|~]*)(?: |$)/;

/**
 * - no header, or another scheme (`Basic ...`): `missing`, answered with a bare
 *   `Bearer` challenge, since the request holds no bearer credentials;
 * - `Bearer` without exactly one well-formed token (two headers joined by a comma
 *   included): `malformed`, answered with 400 `invalid_request`.
 */
export function readBearerToken(header: string | undefined | null): BearerCredentials {
  if (header === undefined || header === null || header.trim() === "") return { kind: "missing" };
  const scheme = SCHEME.exec(header.trimStart())?.[1];
  if (scheme === undefined) return { kind: "malformed", reason: "the Authorization header has no scheme" };
  if (scheme.toLowerCase() !== "bearer") return { kind: "missing" };
  const match = BEARER.exec(header.trim());
  if (!match) return { kind: "malformed", reason: "the Authorization header must be 'Bearer <token>'" };
  return { kind: "token", token: match[1]! };
}
