/**
 * MyBFF's settings, with the reference post's names, read once per isolate. Each is
 * checked in one place: a zod schema turns the text of each setting into the option it
 * is (and checks what only MyBFF knows: MY_SERVICE_URL, the timeouts' range, the scope
 * syntax), the library checks its own options when the token cache is built, and
 * {@link withSettingNames} names the setting behind an option the library refuses. A
 * missing or malformed setting is a ConfigError that names the variable; an empty value
 * means "not set" (the default, or an error if required); a value that is not a string
 * (a number, array or table in wrangler.toml) is an error, never read as "not set".
 * @module
 */
import { z } from "@hono/zod-openapi";
import {
  ConfigError,
  cognitoApiEndpoint,
  isLoopbackHost,
  jsonLineLogger,
  type Logger,
  type LogLevel,
  parseLogLevel,
  urlOption,
} from "edge-cc-auth";
import type { TokenEndpointOptions } from "edge-cc-auth/client-credentials";
import { withSettingNames as namingSettings } from "#kit/settings.ts";

const DEFAULT_TOKEN_SCOPES = ["MyService/weather_read"];
const DEFAULT_TIMEOUT_MS = 5_000;
const MAX_TIMEOUT_MS = 60_000;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const SECRET_HINT =
  " (a secret: workers/bff/.dev.vars locally, `npx wrangler secret put AUTH_SERVER_MYBFF_CLIENT_SECRET -c workers/bff/wrangler.toml` in production)";

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null || typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/**
 * A setting's text, trimmed, with "" read as not set. wrangler passes a `[vars]` entry
 * that is not a string (`5000`, `["debug"]`) on as that value: refused, so that a
 * setting someone wrote is never silently ignored.
 */
const text = z.unknown().transform((value, ctx) => {
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    ctx.addIssue({ code: "custom", message: `must be a string, not ${kindOf(value)} (quote the value in wrangler.toml [vars])` });
    return z.NEVER;
  }
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
});

const required = (hint = "") => text.pipe(z.string({ error: `is not set${hint}` }));

/** An optional setting, turned into its option by `parse` (which returns an error message for a bad value). */
function optional<T>(parse: (value: string) => { value: T } | { error: string }) {
  return text
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const result = parse(value);
      if ("value" in result) return result.value;
      ctx.addIssue({ code: "custom", message: result.error });
      return z.NEVER;
    })
    .optional();
}

const wholeNumber = (value: string) => (/^\d{1,15}$/.test(value) ? Number(value) : undefined);

/** A timeout of MyBFF's own, from 1 ms to a minute (a request waiting longer is better answered 504). */
const timeoutMs = optional((value) => {
  const ms = wholeNumber(value);
  return ms !== undefined && ms >= 1 && ms <= MAX_TIMEOUT_MS
    ? { value: ms }
    : { error: `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}` };
});

/** The back-off's bounds are the library's (backOff.baseDelayMs, backOff.maxDelayMs). */
const backOffMs = optional((value) => {
  const ms = wholeNumber(value);
  return ms === undefined ? { error: "must be a whole number of milliseconds" } : { value: ms };
});

/** The library's URL rule (urlOption) for a setting: the URL, or the reason it is refused (never the URL itself). */
function checkedUrl(value: string): { value: URL } | { error: string } {
  try {
    return { value: urlOption("URL", value) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { error: error.message.slice("URL ".length) };
  }
}

/**
 * MyService's base URL. It receives the access token: the library's URL rule;
 * `/weatherforecast` is appended to it, so a query or fragment would swallow the path.
 */
function myServiceUrl(value: string): { value: string } | { error: string } {
  const checked = checkedUrl(value);
  if ("error" in checked) return checked;
  if (value.includes("?") || value.includes("#")) return { error: "must have no query or fragment" };
  return { value };
}

/** `<region>_<id>`; the Region is checked against the partitions the library knows when the endpoint is derived. */
const userPoolId = optional((value) =>
  /^[a-z0-9-]+_[A-Za-z0-9]+$/.test(value) ? { value } : { error: "must be a user pool id, <region>_<id> (e.g. eu-west-1_AbCdEfGhI)" },
);

/**
 * Where GetClientToken is sent instead of the pool's Region: only a Cognito stand-in on
 * this machine (cognito-local), so an exact loopback host, http or https. The client
 * secret travels in the body, so no other host is ever accepted: a real pool's endpoint
 * is derived from its id.
 */
function localCognitoEndpoint(value: string): { value: string } | { error: string } {
  const checked = checkedUrl(value);
  if ("value" in checked && !isLoopbackHost(checked.value.hostname)) {
    return { error: "must be an http(s) URL on a loopback host (127.x.y.z, localhost, [::1]): it is for cognito-local only" };
  }
  return "error" in checked ? checked : { value };
}

const logLevel = optional((value) => {
  const level = parseLogLevel(value);
  return level === undefined ? { error: "must be debug, info, warn or error" } : { value: level };
});

const bffSettingsSchema = z.object({
  // The token source: exactly one of the two (readBffConfig). The token endpoint's URL is
  // checked by the library (the token cache's tokenEndpoint option).
  AUTH_SERVER_TOKEN_ENDPOINT_URL: text.optional(),
  COGNITO_USER_POOL_ID: userPoolId,
  COGNITO_IDP_ENDPOINT_URL: optional(localCognitoEndpoint),
  AUTH_SERVER_MYBFF_CLIENT_ID: required(),
  AUTH_SERVER_MYBFF_CLIENT_SECRET: required(SECRET_HINT),
  TOKEN_SCOPES: optional((value) => {
    const scopes = value.split(/\s+/);
    return scopes.every((scope) => SCOPE.test(scope)) ? { value: scopes } : { error: "must be scope names separated by spaces" };
  }),
  MY_SERVICE_URL: optional(myServiceUrl),
  MY_SERVICE_TIMEOUT_MS: timeoutMs,
  TOKEN_REQUEST_TIMEOUT_MS: timeoutMs,
  TOKEN_CLIENT_AUTHENTICATION: optional((value): { value: "basic" | "body" } | { error: string } =>
    value === "basic" || value === "body" ? { value } : { error: "must be basic or body" },
  ),
  TOKEN_BACKOFF_BASE_MS: backOffMs,
  TOKEN_BACKOFF_MAX_MS: backOffMs,
  LOG_LEVEL: logLevel,
});

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

/** Throws a ConfigError naming the setting of the first issue. */
function settingError(error: z.ZodError): never {
  const issue = error.issues[0]!;
  const name = String(issue.path[0]);
  throw new ConfigError(`${name} ${issue.message}`, name);
}

/**
 * Reads the settings.
 * @param env the worker's `env` (settings and bindings)
 * @throws {ConfigError} naming the first bad variable or binding
 * @example
 * const config = readBffConfig(env);
 */
export function readBffConfig(env: object): BffConfig {
  const parsed = bffSettingsSchema.safeParse(env);
  if (!parsed.success) settingError(parsed.error);
  const settings = parsed.data;
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
  const region = poolId.slice(0, poolId.indexOf("_"));
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
  const parsed = text.safeParse((env as Record<string, unknown>)[name]);
  if (!parsed.success) throw new ConfigError(`${name} ${parsed.error.issues[0]!.message}`, name);
  return parsed.data;
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
  const parsed = logLevel.safeParse((env as { LOG_LEVEL?: unknown }).LOG_LEVEL);
  return jsonLineLogger(parsed.success ? parsed.data : undefined);
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
