/**
 * Structured log lines: one JSON object per line, with a `level` and an `event`.
 * Fields are plain values chosen by the caller; never pass a token or a secret.
 * @module
 */

export type LogFields = Record<string, string | number | boolean | null | undefined | readonly string[]>;

export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
let threshold: LogLevel = "info";

/** Lines below this level are dropped. Default `info`: per-request debug lines cost log volume. */
export function setLogLevel(level: unknown): void {
  // Own keys only: "constructor" or "toString" is `in` any object literal.
  if (typeof level === "string" && Object.hasOwn(RANK, level)) threshold = level as LogLevel;
}

export function logEvent(level: LogLevel, event: string, fields: LogFields = {}): void {
  if (RANK[level] < RANK[threshold]) return;
  const line = JSON.stringify({ level, event, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
