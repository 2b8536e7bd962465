/**
 * The size of an RSA key, read from its modulus bytes rather than from the length of
 * its base64url text: leading zero bytes add characters but no bits, so a 1024-bit
 * modulus padded with zeros would otherwise pass a 2048-bit minimum.
 * @module
 */
import { decodeBase64url } from "./base64url.ts";

/** RSA keys shorter than this are refused (RFC 7518 section 3.3). */
export const MIN_RSA_MODULUS_BITS = 2048;

/**
 * The bit length of a JWK's `n` (base64url, big-endian), leading zeros stripped;
 * 0 when `n` is not a string or not base64url.
 * @example
 * rsaModulusBits(jwk.n) >= MIN_RSA_MODULUS_BITS
 */
export function rsaModulusBits(n: unknown): number {
  if (typeof n !== "string" || n === "") return 0;
  // RFC 7518 section 6.3.1.1: a Base64urlUInt, canonical base64url like every JOSE value.
  const bytes = decodeBase64url(n);
  if (bytes === undefined) return 0;
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first++;
  if (first === bytes.length) return 0;
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first]!));
}
