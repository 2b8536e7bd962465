/**
 * Splits a compact JWS (`header.payload.signature`) and parses it, refusing everything
 * a careful verifier should refuse before any cryptography: oversized input, anything
 * but three canonical base64url segments, a header or payload that is not a JSON
 * object (or names a member twice), an algorithm outside the allowlist, and headers
 * that would let the token choose its own key (`jwk`, `jku`, `x5u`, `x5c`) or demand
 * extensions (`crit`).
 *
 * Decoding allocates no ArrayBuffer: the header's and payload's JSON text is read out of
 * a reused buffer at once, and the signed bytes are decoded into reused buffers by
 * {@link signedBytes}, which the verifier calls right before `crypto.subtle.verify`, in
 * the same synchronous step: no `await` and no caller code (a `waitUntil`, a JWKS fetch,
 * another verification) runs between the decoding and the verification.
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
  /** The header's `typ`, when it has one (a JWT media type; see ACCEPTED_TYP). */
  typ: string | undefined;
  /** The payload, parsed but not yet trusted: the signature covers it. */
  payload: Record<string, unknown>;
  /** Length of `header.payload`, the part of the token the signature covers. */
  signedLength: number;
  /** The signature's segment, decoded by {@link signedBytes}. */
  signatureSegment: string;
}

// Header parameters that name keys or extensions; an access-token verifier with a
// configured key set has no use for any of them, and each has been an attack vector.
const FORBIDDEN_HEADERS = ["jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "crit", "b64", "zip", "enc"];
const ACCEPTED_TYP = new Set(["jwt", "at+jwt", "application/at+jwt", "application/jwt"]);
// Longer than any kid a real JWKS uses (Cognito's are 44 characters): refused without a key lookup.
const MAX_KID_LENGTH = 256;

// ignoreBOM: true, so that the decoder never drops a byte-order mark silently (the
// first-byte check in decodeJsonObject refuses one before any decoding).
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const ascii = new TextEncoder();
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
// The header's and payload's bytes, then the signature and the signed bytes (see scratch-bytes.ts).
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
function decodeJsonObject(segment: string, part: "header" | "payload"): Record<string, unknown> {
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

function checkHeader(
  segment: string,
  allowedAlgorithms: readonly JwsAlgorithm[],
): { alg: JwsAlgorithm; kid: string; typ: string | undefined } {
  const header = decodeJsonObject(segment, "header");
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
  return { alg, kid, typ: typ as string | undefined };
}

/**
 * Parses a compact JWS: its header (checked) and its payload (parsed, not trusted yet).
 * The signature is decoded by {@link signedBytes}. Throws {@link TokenRejectedError}.
 * @param allowedAlgorithms the verifier's allowlist; the header's `alg` is only trusted if it is in it.
 */
export function parseCompactJws(token: string, allowedAlgorithms: readonly JwsAlgorithm[], maxBytes: number): ParsedJws {
  if (token.length > maxBytes) throw new TokenRejectedError("TOKEN_TOO_LARGE", `the token is longer than ${maxBytes} bytes`);
  const first = token.indexOf(".");
  const second = first < 0 ? -1 : token.indexOf(".", first + 1);
  if (second < 0 || token.indexOf(".", second + 1) >= 0) {
    throw malformed("a compact JWS has exactly three segments");
  }
  const { alg, kid, typ } = checkHeader(token.slice(0, first), allowedAlgorithms);
  const payload = decodeJsonObject(token.slice(first + 1, second), "payload");
  return { alg, kid, typ, payload, signedLength: second, signatureSegment: token.slice(second + 1) };
}

/**
 * The signature's bytes, and the bytes it covers (ASCII of `header.payload`), as views
 * of buffers that the next call overwrites: give them to `crypto.subtle.verify` (which
 * copies them) in the same synchronous step. Throws {@link TokenRejectedError}.
 */
export function signedBytes(token: string, jws: ParsedJws): { signature: Uint8Array<ArrayBuffer>; signingInput: Uint8Array<ArrayBuffer> } {
  const signatureBuffer = signatureBytes.atLeast(jws.signatureSegment.length);
  const signatureLength = decodeBase64urlInto(jws.signatureSegment, signatureBuffer);
  if (signatureLength === undefined) throw malformed("the signature segment is not base64url");
  // The header and payload decoded as canonical base64url: `header.payload` is ASCII.
  const inputBuffer = signingInputBytes.atLeast(jws.signedLength);
  const { written } = ascii.encodeInto(token.slice(0, jws.signedLength), inputBuffer);
  return { signature: signatureBytes.view(signatureLength), signingInput: signingInputBytes.view(written) };
}
