/**
 * The one way the workers name a setting in an error: the library checks its own
 * options and names the option; a worker knows which setting each option came from,
 * and turns the library's ConfigError into one about that setting ("tokenEndpoint
 * must be ..." becomes "AUTH_SERVER_TOKEN_ENDPOINT_URL must be ..."). Used by MyBFF
 * and MyService alike.
 * @module
 */
import { ConfigError } from "edge-cc-auth";

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
