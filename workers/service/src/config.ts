/**
 * MyService's settings (wrangler vars), declared once as a zod schema and read once
 * per isolate. A missing or malformed setting is a ConfigError that names the
 * variable; an empty value means "not set" (the default, or an error if required).
 * @module
 */
import { z } from "@hono/zod-openapi";
import { ConfigError, MAX_CLOCK_TOLERANCE_SECONDS } from "edge-cc-auth";

const CLIENT_ID = /^[A-Za-z0-9_+-]{1,128}$/;

/** Trimmed text, with "" read as not set. */
const trimmed = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined);
const setting = z.preprocess(trimmed, z.string().optional());
const required = (hint: string) => z.preprocess(trimmed, z.string({ error: `is not set${hint}` }));
const url = (value: string | undefined) => value === undefined || parsesAsUrl(value);

function parsesAsUrl(value: string): boolean {
  try {
    return Boolean(new URL(value));
  } catch {
    return false;
  }
}

export const serviceSettingsSchema = z.object({
  COGNITO_ISSUER: required("").refine(url, { message: "is not a URL" }),
  COGNITO_ALLOWED_CLIENT_IDS: required(' (client ids separated by commas, or "*")').refine(
    (value) => value === "*" || value.split(",").every((id) => CLIENT_ID.test(id.trim())),
    { message: 'must be client ids separated by commas, or "*"' },
  ),
  CLOCK_TOLERANCE_SECONDS: setting.refine(
    (value) => value === undefined || (/^\d+$/.test(value) && Number(value) <= MAX_CLOCK_TOLERANCE_SECONDS),
    { message: `must be a whole number of seconds from 0 to ${MAX_CLOCK_TOLERANCE_SECONDS}` },
  ),
  COGNITO_TOKEN_URL: setting.refine(url, { message: "is not a URL" }),
  LOG_LEVEL: setting.refine((value) => value === undefined || ["debug", "info", "warn", "error"].includes(value), {
    message: "must be debug, info, warn or error",
  }),
});

export interface ServiceConfig {
  issuer: string;
  /** Allowed client ids, or "*" for any client of the pool. */
  clientIds: string[] | "*";
  clockToleranceSeconds: number;
  /** Token endpoint shown in the OpenAPI document. */
  tokenUrl: string;
  logLevel: string | undefined;
}

/** Reads the settings; throws a {@link ConfigError} naming the first bad variable. */
export function readServiceConfig(vars: object): ServiceConfig {
  const parsed = serviceSettingsSchema.safeParse(vars);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(`${name} ${issue.message}`, name);
  }
  const settings = parsed.data;
  const issuer = settings.COGNITO_ISSUER;
  const clientList = settings.COGNITO_ALLOWED_CLIENT_IDS;
  return {
    issuer,
    clientIds: clientList === "*" ? "*" : clientList.split(",").map((id) => id.trim()),
    clockToleranceSeconds: Number(settings.CLOCK_TOLERANCE_SECONDS ?? "5"),
    tokenUrl: settings.COGNITO_TOKEN_URL ?? `${new URL(issuer).origin}/oauth2/token`,
    logLevel: settings.LOG_LEVEL,
  };
}
