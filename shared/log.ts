/**
 * Structured log lines: one JSON object per line, with a `level` and an `event`.
 * Fields are plain values chosen by the caller; never pass a token or a secret.
 * @module
 */

export type LogFields = Record<string, string | number | boolean | null | undefined | readonly string[]>;

export function logEvent(level: "debug" | "info" | "warn" | "error", event: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
