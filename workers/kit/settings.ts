/**
 * The one way the workers name a setting in an error: the library checks its own
 * options and names the option; a worker knows which setting each option came from,
 * and turns the library's ConfigError into one about that setting ("tokenEndpoint
 * must be ..." becomes "AUTH_SERVER_TOKEN_ENDPOINT_URL must be ..."). Used by MyBFF
 * and MyService alike. The settings readers read each wrangler var by one rule (readText,
 * readSetting).
 * @module
 */
import { ConfigError, urlOption } from "edge-cc-auth";

/**
 * Runs `build` (which creates a library object from a worker's options) and turns a
 * ConfigError about an option into one about the setting it came from. An option not
 * in `settingOf` keeps the library's error.
 * @throws {ConfigError} naming the setting
 * @example
 * const tokens = withSettingNames(() => new ClientCredentialsTokenCache({ ...tokenEndpointOptions(config), kv: env.TOKEN_CACHE }));
 */
export function withSettingNames<T>(build: () => T, settingOf: Readonly<Record<string, string>>): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof ConfigError) || !Object.hasOwn(settingOf, error.option)) throw error;
    const setting = settingOf[error.option] ?? error.option;
    const message = error.message.startsWith(`${error.option} `)
      ? `${setting}${error.message.slice(error.option.length)}`
      : `${setting}: ${error.message}`;
    throw new ConfigError(message, setting);
  }
}

/** A setting's value, or why its text is refused (the words after the setting's name). */
export type Parsed<T> = { value: T } | { error: string };

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/**
 * A wrangler var as text: trimmed, with absent or "" read as not set. wrangler passes
 * a `[vars]` entry that is not a string (`5000`, `["debug"]`) on as that value; it is
 * refused, never read as "not set", so that a setting someone wrote is never silently
 * ignored (an ignored COGNITO_ISSUER_FORMAT would widen what is accepted).
 * @throws {ConfigError} naming the setting
 * @example
 * readText(env, "RATE_LIMIT"); // "off", or undefined when unset
 */
export function readText(vars: object, name: string): string | undefined {
  const value: unknown = (vars as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    throw new ConfigError(`${name} must be a string, not ${kindOf(value)} (quote the value in wrangler.toml [vars])`, name);
  }
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/**
 * A setting turned into its value by `parse` (readText's rule first; `parse` sees only
 * set text). The settings readers are plain functions rather than a schema library:
 * a schema library at module load was most of a worker's startup time.
 * @throws {ConfigError} naming the setting, with `parse`'s reason
 * @example
 * readSetting(env, "JWKS_SHARED_CACHE", (text) => (text === "off" ? { value: false } : { error: 'must be "on" or "off"' }));
 */
export function readSetting<T>(vars: object, name: string, parse: (text: string) => Parsed<T>): T | undefined {
  const text = readText(vars, name);
  if (text === undefined) return undefined;
  const parsed = parse(text);
  if ("error" in parsed) throw new ConfigError(`${name} ${parsed.error}`, name);
  return parsed.value;
}

/** The library's URL rule (urlOption) for a setting: the URL, or the reason it is refused (never the URL itself). */
export function checkedUrl(text: string): Parsed<URL> {
  try {
    return { value: urlOption("URL", text) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { error: error.message.slice("URL ".length) };
  }
}
