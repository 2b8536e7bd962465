/**
 * Reads a response body as UTF-8 text with a cap counted in bytes, as they arrive:
 * an endpoint that sends (or declares) more than the cap costs no more than the cap
 * in memory. Used for every answer the library reads (token endpoint, JWKS) and by
 * the workers for their upstreams.
 * @module
 */

/** The body is larger than the caller accepts. */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
}

/**
 * The body as text, or a BodyTooLargeError once more than `maxBytes` have arrived
 * (or the `Content-Length` says so), with the rest of the body cancelled.
 * @example
 * const text = await readBodyText(response, 64 * 1024);
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
