/**
 * Splits a compact JWS (`header.payload.signature`) and reads its protected header,
 * refusing everything a careful verifier should refuse before any cryptography:
 * oversized input, anything but three base64url segments, a header that is not a
 * JSON object, an algorithm outside the allowlist, and headers that would let the
 * token choose its own key (`jwk`, `jku`, `x5u`, `x5c`) or demand extensions (`crit`).
 * @module
 */
import { TokenRejectedError } from "../errors.ts";
import { isSupportedAlgorithm, type JwsAlgorithm } from "./algorithms.ts";
import { decodeBase64urlInto } from "./base64url.ts";
import { hasDuplicateKeys } from "./duplicate-keys.ts";
import { ScratchBytes } from "./scratch-bytes.ts";

export interface ParsedJws {
  alg: JwsAlgorithm;
  kid: string;
  /** `alg:kid`, the name of the verification key, built once per accepted header. */
  keyName: string;
  /**
   * The bytes the signature covers (ASCII of `header.payload`) and the signature, as
   * views of scratch buffers that the next token overwrites: use them before any
   * `await`, or decode them again with {@link signedBytes}.
   */
  signingInput: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
  /** The three segments; the payload's is decoded (strictly) by {@link decodeJsonObject}. */
  segments: JwsSegments;
}

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
// Every token is decoded into these (see scratch-bytes.ts): a header's or payload's JSON
// text is read out of its buffer at once; the signed bytes go to crypto.subtle.verify.
const jsonBytes = new ScratchBytes();
const signatureBytes = new ScratchBytes();
const signingInputBytes = new ScratchBytes();

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
    // Canonical base64url only (see base64url.ts).
    const buffer = jsonBytes.atLeast(segment.length);
    const length = decodeBase64urlInto(segment, buffer);
    if (length === undefined) throw new Error("not canonical base64url");
    if (buffer[0] !== OPEN_BRACE || buffer[length - 1] !== CLOSE_BRACE) throw new Error("not a bare JSON object");
    text = utf8.decode(jsonBytes.view(length));
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
  keyName: string;
}

/**
 * Remembers headers that passed, by their exact base64url segment: an issuer signs
 * every token under the same few headers, so parsing one (base64, UTF-8, JSON,
 * the duplicate and header checks) once per key is enough. Bounded, and only
 * headers that passed every check enter it, so hostile input cannot use it.
 *
 * A token's header is found by comparing the token's start with each segment held
 * (one or two for an issuer; at most 32, whatever is sent): no substring is cut from
 * the token and none is hashed. A segment matches only at its exact length, so a
 * longer header that starts with an accepted one is checked in full.
 */
export class HeaderCache {
  private readonly segments: string[] = [];
  private readonly headers: AcceptedHeader[] = [];
  private next = 0;

  constructor(private readonly maxEntries = 32) {}

  /** The accepted header that `token` starts with, its segment being the first `length` characters. */
  find(token: string, length: number): AcceptedHeader | undefined {
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i]!;
      if (segment.length === length && token.startsWith(segment)) return this.headers[i];
    }
    return undefined;
  }

  set(segment: string, header: AcceptedHeader): void {
    // Once full, the oldest entry gives way.
    this.segments[this.next] = segment;
    this.headers[this.next] = header;
    this.next = (this.next + 1) % this.maxEntries;
  }
}

function checkHeader(headerSegment: string, allowedAlgorithms: readonly JwsAlgorithm[]): AcceptedHeader {
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
  return { alg, kid, keyName: `${alg}:${kid}` };
}

/** Where the three segments of a compact JWS are. */
export interface JwsSegments {
  /** Length of the header segment, which starts the token. */
  headerLength: number;
  payload: string;
  signature: string;
  /** Length of `header.payload`, the part the signature covers. */
  signedLength: number;
}

/** Refuses oversized input and anything but three segments. Throws {@link TokenRejectedError}. */
export function splitCompactJws(token: string, maxBytes: number): JwsSegments {
  if (token.length > maxBytes) throw new TokenRejectedError("TOKEN_TOO_LARGE", `the token is longer than ${maxBytes} bytes`);
  const first = token.indexOf(".");
  const second = first < 0 ? -1 : token.indexOf(".", first + 1);
  if (second < 0 || token.indexOf(".", second + 1) >= 0) {
    throw malformed("a compact JWS has exactly three segments");
  }
  return {
    headerLength: first,
    payload: token.slice(first + 1, second),
    signature: token.slice(second + 1),
    signedLength: second,
  };
}

/** The token's header, from the cache of accepted headers or checked now. Throws {@link TokenRejectedError}. */
export function acceptedHeader(
  token: string,
  segments: JwsSegments,
  allowedAlgorithms: readonly JwsAlgorithm[],
  headers?: HeaderCache,
): AcceptedHeader {
  let header = headers?.find(token, segments.headerLength);
  if (header === undefined) {
    const segment = token.slice(0, segments.headerLength);
    header = checkHeader(segment, allowedAlgorithms);
    headers?.set(segment, header);
  }
  return header;
}

/**
 * The signature's bytes, and the bytes it covers (ASCII of `header.payload`), as views
 * of scratch buffers that the next call overwrites: give them to `crypto.subtle.verify`
 * (which copies them) before any `await`. Throws {@link TokenRejectedError}.
 */
export function signedBytes(
  token: string,
  segments: JwsSegments,
): { signature: Uint8Array<ArrayBuffer>; signingInput: Uint8Array<ArrayBuffer> } {
  const signatureBuffer = signatureBytes.atLeast(segments.signature.length);
  const signatureLength = decodeBase64urlInto(segments.signature, signatureBuffer);
  if (signatureLength === undefined) throw malformed("the signature segment is not base64url");
  // base64url is ASCII, one byte per character: anything else is refused here (the
  // payload's decoding would refuse it too, later).
  const inputBuffer = signingInputBytes.atLeast(segments.signedLength);
  const { read, written } = ascii.encodeInto(token.slice(0, segments.signedLength), inputBuffer);
  if (read !== segments.signedLength || written !== read) throw malformed("the token is not ASCII");
  return { signature: signatureBytes.view(signatureLength), signingInput: signingInputBytes.view(written) };
}

/**
 * Parses the token's structure and header, and decodes its signature. The payload is
 * decoded (strictly) by {@link decodeJsonObject}. Throws {@link TokenRejectedError}.
 * @param allowedAlgorithms the verifier's allowlist; the header's `alg` is only trusted if it is in it.
 * @param headers the verifier's cache of accepted headers (its allowlist never changes)
 */
export function parseCompactJws(
  token: string,
  allowedAlgorithms: readonly JwsAlgorithm[],
  maxBytes: number,
  headers?: HeaderCache,
): ParsedJws {
  const segments = splitCompactJws(token, maxBytes);
  const header = acceptedHeader(token, segments, allowedAlgorithms, headers);
  const { signature, signingInput } = signedBytes(token, segments);
  return { alg: header.alg, kid: header.kid, keyName: header.keyName, signingInput, signature, segments };
}
