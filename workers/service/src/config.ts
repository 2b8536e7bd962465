/**
 * MyService's settings (wrangler vars), read once per isolate. Each rule lives in one
 * place: this reader turns the strings into the verifier's options (trimmed, "" read
 * as not set, lists split at commas, numbers parsed) and holds the rules that are
 * MyService's own (the token URL); edge-cc-auth's verifier checks the options (the
 * issuers, the pool id, exactly one of the two, the client ids, the tolerance's range),
 * and ./verifier.ts names the setting behind an option it refuses. Either way the
 * ConfigError names the variable.
 *
 * A value that is not a string (a TOML array or number, e.g. `COGNITO_ISSUER_FORMAT =
 * ["UPDATED"]`) is an error, never "not set": read as unset it would silently widen
 * what is accepted (the workers' kit's readText).
 * @module
 */
import { type CognitoIssuerFormat, ConfigError, type LogLevel, parseLogLevel } from "edge-cc-auth";
import { checkedUrl, type Parsed, readSetting, readText } from "#kit/settings.ts";

/** "a, b" -> ["a", "b"]; an empty item stays, so that "a,,b" is refused by the option's check. */
const list = (text: string) => text.split(",").map((item) => item.trim());

const wholeSeconds = (text: string): Parsed<number> =>
  /^\d{1,6}$/.test(text) ? { value: Number(text) } : { error: "must be a whole number of seconds" };

/** The library's URL rule (urlOption: https, or http on loopback for cognito-local; no userinfo). It is shown in /openapi.json and allowed in /docs. */
const tokenUrl = (text: string): Parsed<string> => {
  const checked = checkedUrl(text);
  return "error" in checked ? checked : { value: checked.value.href };
};

const logLevel = (text: string): Parsed<LogLevel> => {
  const level = parseLogLevel(text);
  return level === undefined ? { error: "must be debug, info, warn or error" } : { value: level };
};

/** JWKS_SHARED_CACHE: "on" (the default) or "off". */
const onOff = (text: string): Parsed<boolean> =>
  text === "on" ? { value: true } : text === "off" ? { value: false } : { error: 'must be "on" or "off"' };

/** The verifier's options as the settings give them; edge-cc-auth checks them. */
interface IssuerOptions {
  issuer?: string[];
  userPoolId?: string;
  issuerFormat?: CognitoIssuerFormat;
  clientIds: string[] | "*";
  clockToleranceSeconds?: number;
}

export interface ServiceConfig {
  verifierOptions: IssuerOptions;
  /** COGNITO_TOKEN_URL; without it (COGNITO_ISSUER only), `<first issuer's origin>/oauth2/token`. */
  tokenUrl: string | undefined;
  logLevel: LogLevel | undefined;
  /** The settings that are set but no longer read. */
  deprecated: string[];
  /**
   * The key set shared between isolates (JWKS_SHARED_CACHE, on by default), with the
   * secret that authenticates it (JWKS_SHARED_CACHE_SECRET); `null` when turned off.
   */
  sharedKeySet: { secret: string | undefined } | null;
}

/**
 * Reads the settings; throws a {@link ConfigError} naming the first bad variable.
 * @example
 * readServiceConfig({ COGNITO_USER_POOL_ID: "us-east-1_AbCdEfGhI", COGNITO_ALLOWED_CLIENT_IDS: "abc",
 *   COGNITO_TOKEN_URL: "https://acme.auth.us-east-1.amazoncognito.com/oauth2/token" }).verifierOptions;
 * // { userPoolId: "us-east-1_AbCdEfGhI", clientIds: ["abc"] }
 */
export function readServiceConfig(vars: object): ServiceConfig {
  // One setting after another, so that the error names the first bad one.
  const settings = {
    COGNITO_USER_POOL_ID: readText(vars, "COGNITO_USER_POOL_ID"),
    COGNITO_ISSUER_FORMAT: readText(vars, "COGNITO_ISSUER_FORMAT"),
    COGNITO_ADDITIONAL_REGIONS: readText(vars, "COGNITO_ADDITIONAL_REGIONS"),
    COGNITO_ISSUER: readSetting(vars, "COGNITO_ISSUER", (text) => ({ value: list(text) })),
    COGNITO_ALLOWED_CLIENT_IDS: readSetting(vars, "COGNITO_ALLOWED_CLIENT_IDS", (text) => ({
      value: text === "*" ? ("*" as const) : list(text),
    })),
    CLOCK_TOLERANCE_SECONDS: readSetting(vars, "CLOCK_TOLERANCE_SECONDS", wholeSeconds),
    COGNITO_TOKEN_URL: readSetting(vars, "COGNITO_TOKEN_URL", tokenUrl),
    LOG_LEVEL: readSetting(vars, "LOG_LEVEL", logLevel),
    JWKS_SHARED_CACHE: readSetting(vars, "JWKS_SHARED_CACHE", onOff) ?? true,
    JWKS_SHARED_CACHE_SECRET: readText(vars, "JWKS_SHARED_CACHE_SECRET"),
  };
  // The token endpoint lives on the pool's domain, which the pool id does not tell.
  if (settings.COGNITO_USER_POOL_ID !== undefined && settings.COGNITO_TOKEN_URL === undefined) {
    throw new ConfigError(
      "COGNITO_TOKEN_URL is not set (with COGNITO_USER_POOL_ID: https://<domain>.auth.<region>.amazoncognito.com/oauth2/token)",
      "COGNITO_TOKEN_URL",
    );
  }
  const verifierOptions: IssuerOptions = {
    // Left out when unset, so that the verifier's own "is required" check names it.
    clientIds: settings.COGNITO_ALLOWED_CLIENT_IDS as IssuerOptions["clientIds"],
  };
  if (settings.COGNITO_ISSUER !== undefined) verifierOptions.issuer = settings.COGNITO_ISSUER;
  if (settings.COGNITO_USER_POOL_ID !== undefined) verifierOptions.userPoolId = settings.COGNITO_USER_POOL_ID;
  if (settings.COGNITO_ISSUER_FORMAT !== undefined) verifierOptions.issuerFormat = settings.COGNITO_ISSUER_FORMAT as CognitoIssuerFormat;
  if (settings.CLOCK_TOLERANCE_SECONDS !== undefined) verifierOptions.clockToleranceSeconds = settings.CLOCK_TOLERANCE_SECONDS;
  return {
    verifierOptions,
    tokenUrl: settings.COGNITO_TOKEN_URL,
    logLevel: settings.LOG_LEVEL,
    deprecated: settings.COGNITO_ADDITIONAL_REGIONS !== undefined ? ["COGNITO_ADDITIONAL_REGIONS"] : [],
    sharedKeySet: settings.JWKS_SHARED_CACHE ? { secret: settings.JWKS_SHARED_CACHE_SECRET } : null,
  };
}
