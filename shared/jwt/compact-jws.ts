/**
 * Splits a compact JWS (`header.payload.signature`) and reads its protected header,
 * refusing everything a careful verifier should refuse before any cryptography:
 * oversized input, anything but three base64url segments, a header that is not a
 * JSON object, an algorithm outside the allowlist, and headers that would let the
 * token choose its own key (`jwk`, `jku`, `x5u`, `x5c`) or demand extensions (`crit`).
 * @module
 */
import { base64url } from "jose";
import { TokenRejectedError } from "../errors.ts";
import { isSupportedAlgorithm, type JwsAlgorithm } from "./algorithms.ts";
import { hasDuplicateKeys } from "./duplicate-keys.ts";

export interface ParsedJws {
  alg: JwsAlgorithm;
  kid: string;
  /** The bytes the signature covers: ASCII of `header.payload`. */
  signingInput: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
  payloadSegment: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
// Header parameters that name keys or extensions; an access-token verifier with a
// configured key set has no use for any of them, and each has been an attack vector.
const FORBIDDEN_HEADERS = ["jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "crit", "b64", "zip", "enc"];
const ACCEPTED_TYP = new Set(["jwt", "at+jwt", "application/at+jwt", "application/jwt"]);
// Longer than any kid a real JWKS uses (Cognito's are 44 characters): refused without a key lookup.
const MAX_KID_LENGTH = 256;

// ignoreBOM: true keeps a byte-order mark in the text, so that the check below sees it
// (with false, the decoder would drop it silently and the token would pass).
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const ascii = new TextEncoder();

const BASE64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Base64url in its one canonical form: the alphabet, no padding, a possible length,
 * and zero in the unused low bits of the last character. Otherwise two different
 * strings decode to the same bytes, and a token could be altered (in its signature,
 * which nothing signs) and still verify.
 */
function isCanonicalBase64url(segment: string): boolean {
  if (!BASE64URL.test(segment)) return false;
  const remainder = segment.length % 4;
  if (remainder === 1) return false;
  if (remainder === 0) return true;
  const lastValue = BASE64URL_ALPHABET.indexOf(segment[segment.length - 1]!);
  const unusedBits = remainder === 2 ? 4 : 2;
  return (lastValue & ((1 << unusedBits) - 1)) === 0;
}

function malformed(message: string): TokenRejectedError {
  return new TokenRejectedError("TOKEN_MALFORMED", message);
}

/**
 * Decodes a base64url segment holding a JSON object with no repeated member name.
 * The JSON must start with `{` and end with `}`: a byte-order mark, whitespace or
 * anything else around it is refused, since no issuer sends it and parsers differ on it.
 */
export function decodeJsonObject(segment: string, part: "header" | "payload"): Record<string, unknown> {
  let text: string;
  let value: unknown;
  try {
    const bytes = base64url.decode(segment);
    if (bytes[0] !== OPEN_BRACE || bytes[bytes.length - 1] !== CLOSE_BRACE) throw new Error("not a bare JSON object");
    text = utf8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    throw malformed(`the ${part} is not base64url-encoded JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw malformed(`the ${part} is not a JSON object`);
  }
  if (hasDuplicateKeys(text, value)) throw malformed(`the ${part} names a member twice`);
  return value as Record<string, unknown>;
}

/** A header that passed every check, remembered by its exact segment. */
interface AcceptedHeader {
  alg: JwsAlgorithm;
  kid: string;
}

/**
 * Remembers headers that passed, by their exact base64url segment: an issuer signs
 * every token under the same few headers, so parsing one (base64, UTF-8, JSON,
 * the duplicate and header checks) once per key is enough. Bounded, and only
 * headers that passed every check enter it, so hostile input cannot use it.
 */
export class HeaderCache {
  private readonly entries = new Map<string, AcceptedHeader>();

  constructor(private readonly maxEntries = 32) {}

  get(segment: string): AcceptedHeader | undefined {
    return this.entries.get(segment);
  }

  set(segment: string, header: AcceptedHeader): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(segment, header);
  }
}

function checkHeader(headerSegment: string, allowedAlgorithms: readonly JwsAlgorithm[]): AcceptedHeader {
  if (!isCanonicalBase64url(headerSegment)) throw malformed("the header segment is not base64url");
  const header = decodeJsonObject(headerSegment, "header");
  const { alg, kid, typ } = header;
  if (!isSupportedAlgorithm(alg) || !allowedAlgorithms.includes(alg)) {
    throw new TokenRejectedError("ALG_NOT_ALLOWED", "the token's algorithm is not allowed");
  }
  const forbidden = FORBIDDEN_HEADERS.find((name) => Object.hasOwn(header, name));
  if (forbidden !== undefined) {
    throw new TokenRejectedError("HEADER_UNSUPPORTED", `the header parameter ${forbidden} is not accepted`);
  }
  if (typ !== undefined && (typeof typ !== "string" || !ACCEPTED_TYP.has(typ.toLowerCase()))) {
    throw new TokenRejectedError("HEADER_UNSUPPORTED", "the header's typ is not a JWT type");
  }
  if (typeof kid !== "string" || kid === "") throw new TokenRejectedError("KID_MISSING", "the header has no kid");
  if (kid.length > MAX_KID_LENGTH) throw new TokenRejectedError("KID_UNKNOWN", "the header's kid is not a known key");
  return { alg, kid };
}

/**
 * Parses the token's structure and header. Throws {@link TokenRejectedError}.
 * @param allowedAlgorithms the verifier's allowlist; the header's `alg` is only trusted if it is in it.
 * @param headers the verifier's cache of accepted headers (its allowlist never changes)
 */
export function parseCompactJws(
  token: string,
  allowedAlgorithms: readonly JwsAlgorithm[],
  maxBytes: number,
  headers?: HeaderCache,
): ParsedJws {
  if (token.length > maxBytes) throw new TokenRejectedError("TOKEN_TOO_LARGE", `the token is longer than ${maxBytes} bytes`);
  const first = token.indexOf(".");
  const second = first < 0 ? -1 : token.indexOf(".", first + 1);
  if (second < 0 || token.indexOf(".", second + 1) >= 0) {
    throw malformed("a compact JWS has exactly three segments");
  }
  const headerSegment = token.slice(0, first);
  const payloadSegment = token.slice(first + 1, second);
  const signatureSegment = token.slice(second + 1);

  let header = headers?.get(headerSegment);
  if (header === undefined) {
    header = checkHeader(headerSegment, allowedAlgorithms);
    headers?.set(headerSegment, header);
  }

  if (!isCanonicalBase64url(payloadSegment)) throw malformed("the payload segment is not base64url");
  if (!isCanonicalBase64url(signatureSegment)) throw malformed("the signature segment is not base64url");
  let signature: Uint8Array<ArrayBuffer>;
  try {
    // jose decodes into a fresh ArrayBuffer (never a shared one), which WebCrypto takes.
    signature = base64url.decode(signatureSegment) as Uint8Array<ArrayBuffer>;
  } catch {
    throw malformed("the signature segment is not base64url");
  }
  return {
    alg: header.alg,
    kid: header.kid,
    signingInput: ascii.encode(token.slice(0, second)) as Uint8Array<ArrayBuffer>,
    signature,
    payloadSegment,
  };
}
