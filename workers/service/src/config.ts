/**
 * MyService's settings (wrangler vars), read once per isolate. Each rule lives in one
 * place: this schema turns the strings into the verifier's options (trimmed, "" read
 * as not set, lists split at commas, numbers parsed) and holds the rules that are
 * MyService's own (the token URL); edge-cc-auth's verifier checks the options (the
 * issuers, the pool id, exactly one of the two, the client ids, the tolerance's range),
 * and ./verifier.ts names the setting behind an option it refuses. Either way the
 * ConfigError names the variable.
 *
 * A value that is not a string (a TOML array or number, e.g. `COGNITO_ISSUER_FORMAT =
 * ["UPDATED"]`) is an error, never "not set": read as unset it would silently widen
 * what is accepted.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { type CognitoIssuerFormat, ConfigError, type LogLevel, parseLogLevel, urlOption } from "edge-cc-auth";

/** A wrangler var as text: absent or "" (after trimming) is not set; anything but a string is refused. */
const text = z
  .unknown()
  .optional()
  .transform((value, context) => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") {
      const kind = Array.isArray(value) ? "an array" : typeof value === "object" ? "a table" : `a ${typeof value}`;
      context.addIssue({ code: "custom", message: `must be a string (quote it in wrangler.toml), not ${kind}` });
      return z.NEVER;
    }
    const trimmed = value.trim();
    return trimmed === "" ? undefined : trimmed;
  });

/** "a, b" -> ["a", "b"]; an empty item stays, so that "a,,b" is refused by the option's check. */
const list = (value: string | undefined) => value?.split(",").map((item) => item.trim());

const wholeSeconds = text.transform((value, context) => {
  if (value === undefined) return undefined;
  if (!/^\d{1,6}$/.test(value)) {
    context.addIssue({ code: "custom", message: "must be a whole number of seconds" });
    return z.NEVER;
  }
  return Number(value);
});

/** The library's URL rule (urlOption: https, or http on loopback for cognito-local; no userinfo). It is shown in /openapi.json and allowed in /docs. */
const tokenUrl = text.transform((value, context) => {
  if (value === undefined) return undefined;
  try {
    return urlOption("URL", value).href;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    context.addIssue({ code: "custom", message: error.message.slice("URL ".length) });
    return z.NEVER;
  }
});

const logLevel = text.transform((value, context) => {
  if (value === undefined) return undefined;
  const level = parseLogLevel(value);
  if (level === undefined) {
    context.addIssue({ code: "custom", message: "must be debug, info, warn or error" });
    return z.NEVER;
  }
  return level;
});

/** JWKS_SHARED_CACHE: "on" (the default) or "off". */
const onOff = text.transform((value, context) => {
  if (value === undefined || value === "on") return true;
  if (value === "off") return false;
  context.addIssue({ code: "custom", message: 'must be "on" or "off"' });
  return z.NEVER;
});

const serviceSettingsSchema = z
  .object({
    COGNITO_USER_POOL_ID: text,
    COGNITO_ISSUER_FORMAT: text,
    COGNITO_ADDITIONAL_REGIONS: text,
    COGNITO_ISSUER: text.transform(list),
    COGNITO_ALLOWED_CLIENT_IDS: text.transform((value) => (value === "*" ? ("*" as const) : list(value))),
    CLOCK_TOLERANCE_SECONDS: wholeSeconds,
    COGNITO_TOKEN_URL: tokenUrl,
    LOG_LEVEL: logLevel,
    JWKS_SHARED_CACHE: onOff,
    JWKS_SHARED_CACHE_SECRET: text,
  })
  .superRefine((settings, context) => {
    // The token endpoint lives on the pool's domain, which the pool id does not tell.
    if (settings.COGNITO_USER_POOL_ID !== undefined && settings.COGNITO_TOKEN_URL === undefined) {
      context.addIssue({
        code: "custom",
        path: ["COGNITO_TOKEN_URL"],
        message: "is not set (with COGNITO_USER_POOL_ID: https://<domain>.auth.<region>.amazoncognito.com/oauth2/token)",
      });
    }
  });

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
  const parsed = serviceSettingsSchema.safeParse(vars);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(`${name} ${issue.message}`, name);
  }
  const settings = parsed.data;
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
