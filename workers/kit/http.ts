/**
 * Reading an answer the worker fetched, bounded, and telling a timeout from other
 * failures (the library has its own, internal, for its token and key-set requests).
 * @module
 */

/** True for the error of a request aborted by `AbortSignal.timeout` (or aborted at all). */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/** An answer longer than the caller allows. */
class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
}

/**
 * The answer's text, read as it arrives and refused past `maxBytes` (a declared
 * Content-Length is checked first), so that a hostile or broken upstream cannot make
 * the worker hold an unbounded body.
 * @throws {BodyTooLargeError} past `maxBytes`
 */
export async function readBodyText(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("Content-Length") ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new BodyTooLargeError(`the answer declares ${declared} bytes, more than ${maxBytes}`);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new BodyTooLargeError(`the answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
