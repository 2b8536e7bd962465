/**
 * MyBFF's settings, with the reference post's names, declared once as a zod schema
 * and read once per isolate. A missing or malformed setting is a ConfigError that
 * names the variable; an empty value means "not set" (the default, or an error if
 * required).
 * @module
 */
import { z } from "@hono/zod-openapi";
import { ConfigError } from "edge-cc-auth";
import { TOKEN_BACKOFF_MAX_MS, type TokenEndpointOptions } from "edge-cc-auth/client-credentials";

const DEFAULT_TOKEN_SCOPES = "MyService/weather_read";
const DEFAULT_TIMEOUT_MS = 5_000;
const MAX_TIMEOUT_MS = 60_000;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const SECRET_HINT =
  " (a secret: workers/bff/.dev.vars locally, `npx wrangler secret put AUTH_SERVER_MYBFF_CLIENT_SECRET -c workers/bff/wrangler.toml` in production)";

/** Trimmed text, with "" read as not set. */
const trimmed = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined);
const setting = z.preprocess(trimmed, z.string().optional());
const required = (hint = "") => z.preprocess(trimmed, z.string({ error: `is not set${hint}` }));
const httpUrl = (value: string | undefined) => value === undefined || /^https?:$/.test(protocolOf(value));

function protocolOf(value: string): string {
  try {
    return new URL(value).protocol;
  } catch {
    return "";
  }
}
const millisecondsUpTo = (max: number) =>
  setting.refine((value) => value === undefined || (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= max), {
    message: `must be a whole number of milliseconds from 1 to ${max}`,
  });
const milliseconds = millisecondsUpTo(MAX_TIMEOUT_MS);
const MAX_BACKOFF_MS = 3_600_000;

const bffSettingsSchema = z.object({
  AUTH_SERVER_TOKEN_ENDPOINT_URL: required().refine(httpUrl, { message: "must be an http(s) URL" }),
  AUTH_SERVER_MYBFF_CLIENT_ID: required(),
  AUTH_SERVER_MYBFF_CLIENT_SECRET: required(SECRET_HINT),
  TOKEN_SCOPES: setting.refine((value) => value === undefined || value.split(/\s+/).every((scope) => SCOPE.test(scope)), {
    message: "must be scope names separated by spaces",
  }),
  MY_SERVICE_URL: setting.refine(httpUrl, { message: "must be an http(s) URL" }),
  MY_SERVICE_TIMEOUT_MS: milliseconds,
  TOKEN_REQUEST_TIMEOUT_MS: milliseconds,
  TOKEN_CLIENT_AUTHENTICATION: setting.refine((value) => value === undefined || value === "basic" || value === "body", {
    message: "must be basic or body",
  }),
  TOKEN_BACKOFF_BASE_MS: millisecondsUpTo(MAX_BACKOFF_MS),
  TOKEN_BACKOFF_MAX_MS: millisecondsUpTo(MAX_BACKOFF_MS),
  LOG_LEVEL: setting.refine((value) => value === undefined || ["debug", "info", "warn", "error"].includes(value), {
    message: "must be debug, info, warn or error",
  }),
});

export interface BffConfig {
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** MyService's base URL; used only when the MY_SERVICE binding is absent. */
  myServiceUrl: string | null;
  myServiceTimeoutMs: number;
  tokenRequestTimeoutMs: number;
  /** How MyBFF authenticates to the token endpoint: `basic` (default) or `body`. */
  tokenClientAuthentication: "basic" | "body";
  /** The token cache's back-off after a failure; undefined: the library's 1 s and 60 s. */
  tokenBackOff: { baseDelayMs?: number; maxDelayMs?: number };
  logLevel: string | undefined;
}

const optionalNumber = (value: string | undefined) => (value === undefined ? undefined : Number(value));

/** Reads the settings; throws a {@link ConfigError} naming the first bad variable or binding. */
export function readBffConfig(env: Partial<Env>): BffConfig {
  const parsed = bffSettingsSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(`${name} ${issue.message}`, name);
  }
  const settings = parsed.data;
  if (!env.MY_SERVICE && settings.MY_SERVICE_URL === undefined) {
    throw new ConfigError("MY_SERVICE_URL is not set, and there is no MY_SERVICE binding", "MY_SERVICE_URL");
  }
  if (typeof env.TOKEN_CACHE?.get !== "function") {
    throw new ConfigError("TOKEN_CACHE (KV namespace binding) is missing", "TOKEN_CACHE");
  }
  const backOffBaseMs = optionalNumber(settings.TOKEN_BACKOFF_BASE_MS);
  const backOffMaxMs = optionalNumber(settings.TOKEN_BACKOFF_MAX_MS);
  if (backOffBaseMs !== undefined && backOffBaseMs > (backOffMaxMs ?? TOKEN_BACKOFF_MAX_MS)) {
    throw new ConfigError("TOKEN_BACKOFF_MAX_MS must be at least TOKEN_BACKOFF_BASE_MS", "TOKEN_BACKOFF_MAX_MS");
  }
  return {
    tokenEndpoint: settings.AUTH_SERVER_TOKEN_ENDPOINT_URL,
    clientId: settings.AUTH_SERVER_MYBFF_CLIENT_ID,
    clientSecret: settings.AUTH_SERVER_MYBFF_CLIENT_SECRET,
    scopes: (settings.TOKEN_SCOPES ?? DEFAULT_TOKEN_SCOPES).split(/\s+/),
    myServiceUrl: settings.MY_SERVICE_URL ?? null,
    myServiceTimeoutMs: Number(settings.MY_SERVICE_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS),
    tokenRequestTimeoutMs: Number(settings.TOKEN_REQUEST_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS),
    tokenClientAuthentication: settings.TOKEN_CLIENT_AUTHENTICATION === "body" ? "body" : "basic",
    tokenBackOff: { baseDelayMs: backOffBaseMs, maxDelayMs: backOffMaxMs },
    logLevel: settings.LOG_LEVEL,
  };
}

/**
 * How MyBFF asks the token endpoint, in the library's terms: the token cache and the
 * token coordinator take the same, so that both request the same token.
 */
export function tokenEndpointOptions(config: BffConfig): TokenEndpointOptions {
  return {
    tokenEndpoint: config.tokenEndpoint,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scopes: config.scopes,
    timeoutMs: config.tokenRequestTimeoutMs,
    clientAuthentication: config.tokenClientAuthentication,
  };
}
