/**
 * Base64url encoding (RFC 4648 section 5, no padding) of the few bytes the token
 * cache seals: the canonical form that `jwt/base64url.ts`'s strict decoder reads
 * back. The package's own, so that the cache needs no jose at run time.
 * @module
 */

/**
 * @example
 * encodeBase64url(new Uint8Array([104, 105])); // "aGk"
 */
export function encodeBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
