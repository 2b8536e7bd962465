/**
 * Checks of numeric options, made once when an object is created (as jose checks
 * each duration): a NaN, an infinity, a negative value or one out of range is a
 * ConfigError that names the option, instead of a request that fails later.
 * @module
 */
import { ConfigError } from "./errors.ts";

export interface NumberRange {
  /** Smallest accepted value; default 0. */
  min?: number;
  /** Largest accepted value; default none. */
  max?: number;
  /** Whole numbers only; default true. */
  integer?: boolean;
}

/**
 * The option's value, or `fallback` when it is undefined.
 * @throws {ConfigError} when the value is not a finite number in the range
 * @example
 * this.timeoutMs = numberOption("timeoutMs", options.timeoutMs, 5_000, { min: 1 });
 */
export function numberOption(name: string, value: number | undefined, fallback: number, range: NumberRange = {}): number {
  const { min = 0, max = Number.MAX_SAFE_INTEGER, integer = true } = range;
  const chosen = value === undefined ? fallback : value;
  if (typeof chosen !== "number" || !Number.isFinite(chosen) || chosen < min || chosen > max || (integer && !Number.isInteger(chosen))) {
    const kind = integer ? "a whole number" : "a number";
    throw new ConfigError(`${name} must be ${kind} from ${min} to ${max}`, name);
  }
  return chosen;
}
