/**
 * Whether a rejected fetch was ended by its `AbortSignal.timeout` (or another abort),
 * as opposed to a connection that failed.
 * @module
 */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}
