/**
 * A byte buffer reused from one token to the next, so that decoding a token allocates
 * no ArrayBuffer: on a Worker that sees a new token on most requests, three buffers a
 * token (payload, signature, signed bytes) were a measurable part of the verification.
 *
 * What is written here is valid only until the next write: read it synchronously, with
 * no `await` between the write and the last read. `crypto.subtle.verify` may be given a
 * view of it, because WebCrypto copies its inputs before it returns ("Let data be the
 * result of getting a copy of the bytes held by the data parameter", W3C Web
 * Cryptography API, SubtleCrypto.verify, https://www.w3.org/TR/WebCryptoAPI/#SubtleCrypto-method-verify).
 * @module
 */

const INITIAL_BYTES = 2_048;

export class ScratchBytes {
  private bytes = new Uint8Array(INITIAL_BYTES);

  /** A buffer of at least `length` bytes, its content left from the previous user. Grows, never shrinks. */
  atLeast(length: number): Uint8Array<ArrayBuffer> {
    if (this.bytes.length < length) this.bytes = new Uint8Array(Math.max(length, 2 * this.bytes.length));
    return this.bytes;
  }
}
