/**
 * Checks of options, made once when an object is created (as jose checks each
 * duration): a bad value is a ConfigError that names the option, instead of a request
 * that fails later. Numbers: a NaN, an infinity, a negative value or one out of range.
 * URLs: the one rule for every URL a token, a key set or a secret travels to.
 * @module
 */
import { ConfigError } from "./errors.ts";
import { isLoopbackHost } from "./jwt/loopback.ts";

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

/**
 * The one URL rule of the library (the issuer, `jwksUri`, the token endpoint) and of
 * the workers' settings: https, or plain http only on an exact loopback host (local
 * development); no user name or password (they would travel with every request). A
 * plain-http key set could be swapped on the way, and with it every key trusted.
 * The message names `name` and never repeats the URL (it may hold a password).
 * @throws {ConfigError} naming `name`
 * @example
 * urlOption("jwksUri", "https://keys.example.com/jwks.json"); // a URL
 * urlOption("jwksUri", "http://keys.example.com/jwks.json"); // throws "jwksUri must be an https URL (...)"
 */
export function urlOption(name: string, value: unknown): URL {
  if (typeof value !== "string" || value === "") throw new ConfigError(`${name} is required`, name);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname)))) {
    throw new ConfigError(`${name} must be an https URL (http only on loopback hosts)`, name);
  }
  if (url.username !== "" || url.password !== "") throw new ConfigError(`${name} must not contain a user name or password`, name);
  return url;
}
