/**
 * Base64url decoding that accepts only the one canonical form (RFC 7515 section 2:
 * the URL-safe alphabet, no padding, no whitespace, and zero in the unused low bits
 * of the last character). Any other spelling would decode to the same bytes, so a
 * token could be altered (in its signature, which nothing signs) and still verify.
 *
 * Why not jose's `base64url.decode`: it accepts padding, and whitespace where
 * `Uint8Array.fromBase64` exists, so the canonical form would have to be checked first
 * with a regular expression over every segment. Here one native call decodes and checks
 * the alphabet, and a length comparison catches what it skips. It also keeps jose out
 * of a consumer's bundle.
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const BASE64URL = /^[A-Za-z0-9_-]+$/;

type Base64Options = { readonly alphabet: "base64url"; readonly lastChunkHandling: "loose" };
type FromBase64 = (text: string, options: Base64Options) => Uint8Array<ArrayBuffer>;
type SetFromBase64 = (this: Uint8Array, text: string, options: Base64Options) => { read: number; written: number };
// ES2026; workerd and recent browsers have them. Elsewhere, atob (every runtime has it).
const fromBase64 = (Uint8Array as unknown as { fromBase64?: FromBase64 }).fromBase64;
const setFromBase64 = (Uint8Array.prototype as unknown as { setFromBase64?: SetFromBase64 }).setFromBase64;
const FROM_BASE64URL: Base64Options = { alphabet: "base64url", lastChunkHandling: "loose" };

function decodeWithAtob(segment: string): Uint8Array<ArrayBuffer> | undefined {
  if (!BASE64URL.test(segment)) return undefined;
  const binary = atob(segment.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * How many bytes a base64url string of this shape decodes to, or `undefined` when its
 * length or the unused low bits of its last character rule out the canonical form.
 */
function canonicalByteLength(segment: string): number | undefined {
  const length = segment.length;
  const remainder = length % 4;
  if (length === 0 || remainder === 1) return undefined;
  if (remainder !== 0) {
    // indexOf gives -1 for a character outside the alphabet, which has every bit set.
    const unusedBits = ALPHABET.indexOf(segment[length - 1]!) & (remainder === 2 ? 0b1111 : 0b11);
    if (unusedBits !== 0) return undefined;
  }
  return (length * 3) >> 2;
}

/**
 * The bytes of a canonical, non-empty base64url string, or `undefined` when it is not one.
 * @example
 * decodeBase64url("aGk"); // Uint8Array [104, 105]
 * decodeBase64url("aGk="); // undefined: padded
 * decodeBase64url("aGl"); // undefined: the unused bits are not zero
 */
export function decodeBase64url(segment: string): Uint8Array<ArrayBuffer> | undefined {
  const expected = canonicalByteLength(segment);
  if (expected === undefined) return undefined;
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  if (fromBase64 === undefined) {
    bytes = decodeWithAtob(segment);
  } else {
    try {
      bytes = fromBase64(segment, FROM_BASE64URL);
    } catch {
      return undefined;
    }
  }
  // The decoders skip whitespace and accept padding: a segment holding either decodes
  // to fewer bytes than its length implies.
  return bytes?.length === expected ? bytes : undefined;
}

/**
 * Decodes a canonical, non-empty base64url string into the start of `target`, and
 * returns how many bytes it wrote; `undefined` when the string is not canonical
 * base64url or does not fit. Where the runtime has `Uint8Array.prototype.setFromBase64`
 * (workerd does) this allocates nothing: the verifier decodes every token this way,
 * into buffers it reuses.
 * @example
 * const target = new Uint8Array(16);
 * decodeBase64urlInto("aGk", target); // 2, target starts with [104, 105]
 */
export function decodeBase64urlInto(segment: string, target: Uint8Array): number | undefined {
  const expected = canonicalByteLength(segment);
  if (expected === undefined || expected > target.length) return undefined;
  if (setFromBase64 === undefined) {
    const bytes = decodeBase64url(segment);
    if (bytes === undefined) return undefined;
    target.set(bytes);
    return bytes.length;
  }
  try {
    const { read, written } = setFromBase64.call(target, segment, FROM_BASE64URL);
    // As above: whitespace or padding leaves fewer bytes than the length implies.
    return read === segment.length && written === expected ? written : undefined;
  } catch {
    return undefined;
  }
}
