/**
 * A byte buffer reused from one token to the next, so that decoding a token allocates
 * no ArrayBuffer: on a Worker that sees a new token on most requests, the buffers a
 * verification allocated were a measured part of its cost (bench/RESULTS.md, "Where a
 * distinct token's time goes").
 *
 * What is written here is valid only until the next write: read it synchronously, with
 * no `await` and no caller code between the write and the last read. The verifier
 * decodes the signed bytes here and hands them to `crypto.subtle.verify` in the same
 * synchronous step, which is allowed because WebCrypto copies its inputs before it returns ("Let data be the
 * result of getting a copy of the bytes held by the data parameter", W3C Web
 * Cryptography API, SubtleCrypto.verify, https://www.w3.org/TR/WebCryptoAPI/#SubtleCrypto-method-verify).
 * @module
 */

const INITIAL_BYTES = 2_048;

export class ScratchBytes {
  private bytes = new Uint8Array(INITIAL_BYTES);
  /** The last view handed out: one issuer's tokens mostly have the same lengths, so it is usually the next one too. */
  private lastView = this.bytes.subarray(0, 0);

  /** A buffer of at least `length` bytes, its content left from the previous user. Grows, never shrinks. */
  atLeast(length: number): Uint8Array<ArrayBuffer> {
    if (this.bytes.length < length) this.bytes = new Uint8Array(Math.max(length, 2 * this.bytes.length));
    return this.bytes;
  }

  /** The first `length` bytes of the buffer that {@link atLeast} gave last, as a view reused while the length repeats. */
  view(length: number): Uint8Array<ArrayBuffer> {
    if (this.lastView.length !== length || this.lastView.buffer !== this.bytes.buffer) this.lastView = this.bytes.subarray(0, length);
    return this.lastView;
  }
}
