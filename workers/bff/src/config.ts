/**
 * MyBFF's settings, with the reference post's names, read once per isolate. Each is
 * checked in one place: readBffConfig turns the text of each setting into the option it
 * is (and checks what only MyBFF knows: MY_SERVICE_URL, the timeouts' range, the scope
 * syntax), the library checks its own options when the token cache is built, and
 * {@link withSettingNames} names the setting behind an option the library refuses. A
 * missing or malformed setting is a ConfigError that names the variable; an empty value
 * means "not set" (the default, or an error if required); a value that is not a string
 * (a number, array or table in wrangler.toml) is an error, never read as "not set"
 * (the workers' kit's readText).
 * @module
 */
import {
  ConfigError,
  cognitoApiEndpoint,
  cognitoUserPoolRegion,
  isLoopbackHost,
  jsonLineLogger,
  type Logger,
  type LogLevel,
  parseLogLevel,
} from "edge-cc-auth";
import type { TokenEndpointOptions } from "edge-cc-auth/client-credentials";
import { checkedUrl, withSettingNames as namingSettings, type Parsed, readSetting, readText } from "#kit/settings.ts";

const DEFAULT_TOKEN_SCOPES = ["MyService/weather_read"];
const DEFAULT_TIMEOUT_MS = 5_000;
const MAX_TIMEOUT_MS = 60_000;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const SECRET_HINT =
  " (a secret: workers/bff/.dev.vars locally, `npx wrangler secret put AUTH_SERVER_MYBFF_CLIENT_SECRET -c workers/bff/wrangler.toml` in production)";

/** A required setting's text. */
function required(env: object, name: string, hint = ""): string {
  const text = readText(env, name);
  if (text === undefined) throw new ConfigError(`${name} is not set${hint}`, name);
  return text;
}

const wholeNumber = (value: string) => (/^\d{1,15}$/.test(value) ? Number(value) : undefined);

/** A timeout of MyBFF's own, from 1 ms to a minute (a request waiting longer is better answered 504). */
const timeoutMs = (value: string): Parsed<number> => {
  const ms = wholeNumber(value);
  return ms !== undefined && ms >= 1 && ms <= MAX_TIMEOUT_MS
    ? { value: ms }
    : { error: `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}` };
};

/** The back-off's bounds are the library's (backOff.baseDelayMs, backOff.maxDelayMs). */
const backOffMs = (value: string): Parsed<number> => {
  const ms = wholeNumber(value);
  return ms === undefined ? { error: "must be a whole number of milliseconds" } : { value: ms };
};

/**
 * MyService's base URL. It receives the access token: the library's URL rule;
 * `/weatherforecast` is appended to it, so a query or fragment would swallow the path.
 */
function myServiceUrl(value: string): Parsed<string> {
  const checked = checkedUrl(value);
  if ("error" in checked) return checked;
  if (value.includes("?") || value.includes("#")) return { error: "must have no query or fragment" };
  return { value };
}

/**
 * `<region>_<id>`, by the library's check (the one MyService's verifier applies); the
 * Region is checked against the partitions the library knows when the endpoint is derived.
 */
const userPoolId = (value: string): Parsed<string> => {
  try {
    cognitoUserPoolRegion(value);
    return { value };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { error: error.message.slice("userPoolId ".length) };
  }
};

/**
 * Where GetClientToken is sent instead of the pool's Region: only a Cognito stand-in on
 * this machine (cognito-local), so an exact loopback host, http or https. The client
 * secret travels in the body, so no other host is ever accepted: a real pool's endpoint
 * is derived from its id.
 */
function localCognitoEndpoint(value: string): Parsed<string> {
  const checked = checkedUrl(value);
  if ("value" in checked && !isLoopbackHost(checked.value.hostname)) {
    return { error: "must be an http(s) URL on a loopback host (127.x.y.z, localhost, [::1]): it is for cognito-local only" };
  }
  return "error" in checked ? checked : { value };
}

const logLevel = (value: string): Parsed<LogLevel> => {
  const level = parseLogLevel(value);
  return level === undefined ? { error: "must be debug, info, warn or error" } : { value: level };
};

const tokenScopes = (value: string): Parsed<string[]> => {
  const scopes = value.split(/\s+/);
  return scopes.every((scope) => SCOPE.test(scope)) ? { value: scopes } : { error: "must be scope names separated by spaces" };
};

const clientAuthentication = (value: string): Parsed<"basic" | "body"> =>
  value === "basic" || value === "body" ? { value } : { error: "must be basic or body" };

/** Each setting, in the order they are checked (the error names the first bad one). */
function readSettings(env: object) {
  return {
    // The token source: exactly one of the two (tokenSource). The token endpoint's URL is
    // checked by the library (the token cache's tokenEndpoint option).
    AUTH_SERVER_TOKEN_ENDPOINT_URL: readText(env, "AUTH_SERVER_TOKEN_ENDPOINT_URL"),
    COGNITO_USER_POOL_ID: readSetting(env, "COGNITO_USER_POOL_ID", userPoolId),
    COGNITO_IDP_ENDPOINT_URL: readSetting(env, "COGNITO_IDP_ENDPOINT_URL", localCognitoEndpoint),
    AUTH_SERVER_MYBFF_CLIENT_ID: required(env, "AUTH_SERVER_MYBFF_CLIENT_ID"),
    AUTH_SERVER_MYBFF_CLIENT_SECRET: required(env, "AUTH_SERVER_MYBFF_CLIENT_SECRET", SECRET_HINT),
    TOKEN_SCOPES: readSetting(env, "TOKEN_SCOPES", tokenScopes),
    MY_SERVICE_URL: readSetting(env, "MY_SERVICE_URL", myServiceUrl),
    MY_SERVICE_TIMEOUT_MS: readSetting(env, "MY_SERVICE_TIMEOUT_MS", timeoutMs),
    TOKEN_REQUEST_TIMEOUT_MS: readSetting(env, "TOKEN_REQUEST_TIMEOUT_MS", timeoutMs),
    TOKEN_CLIENT_AUTHENTICATION: readSetting(env, "TOKEN_CLIENT_AUTHENTICATION", clientAuthentication),
    TOKEN_BACKOFF_BASE_MS: readSetting(env, "TOKEN_BACKOFF_BASE_MS", backOffMs),
    TOKEN_BACKOFF_MAX_MS: readSetting(env, "TOKEN_BACKOFF_MAX_MS", backOffMs),
    LOG_LEVEL: readSetting(env, "LOG_LEVEL", logLevel),
  };
}

/** Where MyBFF gets its token: an OAuth 2.0 token endpoint, or Cognito's GetClientToken. */
type TokenSourceSetting = "AUTH_SERVER_TOKEN_ENDPOINT_URL" | "COGNITO_USER_POOL_ID" | "COGNITO_IDP_ENDPOINT_URL";

export interface BffConfig {
  /** The token endpoint, or the Cognito API endpoint GetClientToken is sent to. */
  tokenEndpoint: string;
  /** How the token is asked for there (the library's `tokenRequest`). */
  tokenRequest: "oauth2" | "cognito_get_client_token";
  /** The setting `tokenEndpoint` comes from, for error messages. */
  tokenEndpointSetting: TokenSourceSetting;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** MyService's base URL; used only when the MY_SERVICE binding is absent. */
  myServiceUrl: string | null;
  myServiceTimeoutMs: number;
  tokenRequestTimeoutMs: number;
  /** How MyBFF authenticates to the token endpoint: `basic` (default) or `body`. */
  tokenClientAuthentication: "basic" | "body";
  /** The token cache's back-off after a failure; undefined: the library's defaults. */
  tokenBackOff: { baseDelayMs?: number; maxDelayMs?: number };
  logLevel: LogLevel;
}

/**
 * Reads the settings.
 * @param env the worker's `env` (settings and bindings)
 * @throws {ConfigError} naming the first bad variable or binding
 * @example
 * const config = readBffConfig(env);
 */
export function readBffConfig(env: object): BffConfig {
  const settings = readSettings(env);
  const bindings = env as { MY_SERVICE?: unknown; TOKEN_CACHE?: { get?: unknown } };
  if (!bindings.MY_SERVICE && settings.MY_SERVICE_URL === undefined) {
    throw new ConfigError("MY_SERVICE_URL is not set, and there is no MY_SERVICE binding", "MY_SERVICE_URL");
  }
  if (typeof bindings.TOKEN_CACHE?.get !== "function") {
    throw new ConfigError("TOKEN_CACHE (KV namespace binding) is missing", "TOKEN_CACHE");
  }
  return {
    ...tokenSource(settings),
    clientId: settings.AUTH_SERVER_MYBFF_CLIENT_ID,
    clientSecret: settings.AUTH_SERVER_MYBFF_CLIENT_SECRET,
    scopes: settings.TOKEN_SCOPES ?? [...DEFAULT_TOKEN_SCOPES],
    myServiceUrl: settings.MY_SERVICE_URL ?? null,
    myServiceTimeoutMs: settings.MY_SERVICE_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS,
    tokenRequestTimeoutMs: settings.TOKEN_REQUEST_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS,
    tokenClientAuthentication: settings.TOKEN_CLIENT_AUTHENTICATION ?? "basic",
    tokenBackOff: { baseDelayMs: settings.TOKEN_BACKOFF_BASE_MS, maxDelayMs: settings.TOKEN_BACKOFF_MAX_MS },
    logLevel: settings.LOG_LEVEL ?? "info",
  };
}

const BOTH_SOURCES = "AUTH_SERVER_TOKEN_ENDPOINT_URL/COGNITO_USER_POOL_ID";

/**
 * The token source the settings choose: AUTH_SERVER_TOKEN_ENDPOINT_URL (the OAuth 2.0
 * token endpoint, which needs a user pool domain) or COGNITO_USER_POOL_ID (Cognito's
 * GetClientToken at the pool Region's API endpoint, no domain needed). Exactly one:
 * with both, which one MyBFF used would depend on code rather than on the settings.
 */
function tokenSource(settings: {
  AUTH_SERVER_TOKEN_ENDPOINT_URL?: string | undefined;
  COGNITO_USER_POOL_ID?: string | undefined;
  COGNITO_IDP_ENDPOINT_URL?: string | undefined;
}): Pick<BffConfig, "tokenEndpoint" | "tokenRequest" | "tokenEndpointSetting"> {
  const { AUTH_SERVER_TOKEN_ENDPOINT_URL: tokenEndpoint, COGNITO_USER_POOL_ID: poolId, COGNITO_IDP_ENDPOINT_URL: local } = settings;
  if (tokenEndpoint !== undefined && poolId !== undefined) {
    throw new ConfigError(
      "set only one of AUTH_SERVER_TOKEN_ENDPOINT_URL (OAuth token endpoint) and COGNITO_USER_POOL_ID (Cognito GetClientToken), not both",
      BOTH_SOURCES,
    );
  }
  if (tokenEndpoint !== undefined) {
    if (local !== undefined) {
      throw new ConfigError("COGNITO_IDP_ENDPOINT_URL applies only with COGNITO_USER_POOL_ID (GetClientToken)", "COGNITO_IDP_ENDPOINT_URL");
    }
    return { tokenEndpoint, tokenRequest: "oauth2", tokenEndpointSetting: "AUTH_SERVER_TOKEN_ENDPOINT_URL" };
  }
  if (poolId === undefined) {
    throw new ConfigError(
      "set one of AUTH_SERVER_TOKEN_ENDPOINT_URL (OAuth token endpoint) and COGNITO_USER_POOL_ID (Cognito GetClientToken): neither is set",
      BOTH_SOURCES,
    );
  }
  if (local !== undefined)
    return { tokenEndpoint: local, tokenRequest: "cognito_get_client_token", tokenEndpointSetting: "COGNITO_IDP_ENDPOINT_URL" };
  const region = cognitoUserPoolRegion(poolId);
  const apiEndpoint = withSettingNames(() => cognitoApiEndpoint(region), { region: "COGNITO_USER_POOL_ID" });
  return { tokenEndpoint: apiEndpoint, tokenRequest: "cognito_get_client_token", tokenEndpointSetting: "COGNITO_USER_POOL_ID" };
}

/**
 * A setting MyBFF reads on its own, before the others (RATE_LIMIT), by the same rule:
 * trimmed text, "" as not set, anything but a string refused.
 * @throws {ConfigError} naming the setting
 * @example
 * readTextSetting(env, "RATE_LIMIT"); // "off", or undefined when unset
 */
export function readTextSetting(env: object, name: string): string | undefined {
  return readText(env, name);
}

/**
 * The worker's logger, at LOG_LEVEL. It is needed before the settings are read and
 * when they are wrong, so a LOG_LEVEL that readBffConfig refuses gives `info` here
 * (and readBffConfig's error names it).
 * @example
 * const logger = workerLogger(env);
 * logger("warn", "rate_limit_off", { reason });
 */
export function workerLogger(env: object): Logger {
  let level: LogLevel | undefined;
  try {
    level = readSetting(env, "LOG_LEVEL", logLevel);
  } catch {
    // readBffConfig names the bad LOG_LEVEL; the logger still logs that error, at info.
  }
  return jsonLineLogger(level);
}

/** The setting behind each library option that MyBFF fills from one. */
const SETTING_OF_OPTION: Readonly<Record<string, string>> = {
  tokenEndpoint: "AUTH_SERVER_TOKEN_ENDPOINT_URL",
  clientId: "AUTH_SERVER_MYBFF_CLIENT_ID",
  clientSecret: "AUTH_SERVER_MYBFF_CLIENT_SECRET",
  scopes: "TOKEN_SCOPES",
  timeoutMs: "TOKEN_REQUEST_TIMEOUT_MS",
  clientAuthentication: "TOKEN_CLIENT_AUTHENTICATION",
  "backOff.baseDelayMs": "TOKEN_BACKOFF_BASE_MS",
  "backOff.maxDelayMs": "TOKEN_BACKOFF_MAX_MS",
  kv: "TOKEN_CACHE",
  coordinator: "TOKEN_COORDINATOR",
};

/**
 * The setting behind each option of the token cache built from `config` (the token
 * endpoint comes from the setting of its source).
 * @example
 * withSettingNames(() => new ClientCredentialsTokenCache(...), settingsOf(config));
 */
export function settingsOf(config: Pick<BffConfig, "tokenEndpointSetting">): Readonly<Record<string, string>> {
  return { ...SETTING_OF_OPTION, tokenEndpoint: config.tokenEndpointSetting };
}

/**
 * Runs `build` and names the setting behind an option the library refuses (the
 * workers' kit's withSettingNames; default map: MyBFF's token cache's options).
 * @throws {ConfigError} naming the setting
 */
export function withSettingNames<T>(build: () => T, settingOf: Readonly<Record<string, string>> = SETTING_OF_OPTION): T {
  return namingSettings(build, settingOf);
}

/**
 * How MyBFF asks for its token, in the library's terms: the token cache and the
 * token coordinator take the same, so that both request the same token.
 */
export function tokenEndpointOptions(config: BffConfig): TokenEndpointOptions {
  return {
    tokenEndpoint: config.tokenEndpoint,
    tokenRequest: config.tokenRequest,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scopes: config.scopes,
    timeoutMs: config.tokenRequestTimeoutMs,
    clientAuthentication: config.tokenClientAuthentication,
  };
}
