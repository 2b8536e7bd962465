/**
 * Structured events. The library never picks where its events go: each class that
 * reports something takes a `logger` option, whose default writes one JSON line per
 * event to `console` (what Workers Logs and `wrangler tail` read). Fields are plain
 * values chosen by the library; a token or a secret is never one of them.
 * @module
 */

export type LogFields = Record<string, string | number | boolean | null | undefined | readonly string[]>;

export type LogLevel = "debug" | "info" | "warn" | "error";

/** Receives each event. Called synchronously on the request's path: it must not throw or block. */
export type Logger = (level: LogLevel, event: string, fields: LogFields) => void;

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** `value` as a log level, or `undefined` when it is not one of the four names. */
export function parseLogLevel(value: unknown): LogLevel | undefined {
  // Own keys only: "constructor" or "toString" is `in` any object literal.
  return typeof value === "string" && Object.hasOwn(RANK, value) ? (value as LogLevel) : undefined;
}

/**
 * The default logger: one JSON object per line, `{ level, event, ...fields }`, on
 * `console.error`, `console.warn` or `console.log` by level. Events below `minLevel`
 * (default `info`: per-request debug lines cost log volume) are dropped.
 */
export function jsonLineLogger(minLevel: LogLevel = "info"): Logger {
  const threshold = RANK[minLevel];
  return (level, event, fields) => {
    if (RANK[level] < threshold) return;
    const line = JSON.stringify({ level, event, ...fields });
    if (level === "error") console.error(line);
    else if (level === "warn") console.warn(line);
    else console.log(line);
  };
}

/** Drops every event. */
export const silentLogger: Logger = () => {};
