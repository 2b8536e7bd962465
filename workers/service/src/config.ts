/**
 * MyService's settings (wrangler vars), declared once as a zod schema and read once
 * per isolate. A missing or malformed setting is a ConfigError that names the
 * variable; an empty value means "not set" (the default, or an error if required).
 *
 * The issuers come from exactly one of two settings:
 * - `COGNITO_USER_POOL_ID` (a real pool): both issuer formats of the pool, ORIGINAL
 *   `https://cognito-idp.<region>.amazonaws.com/<poolId>` and UPDATED
 *   `https://issuer-cognito-idp.<region>.amazonaws.com/<poolId>`, narrowed by
 *   `COGNITO_ISSUER_FORMAT`, plus the ORIGINAL issuer of each Region in
 *   `COGNITO_ADDITIONAL_REGIONS` (edge-cc-auth's `cognitoIssuers`);
 * - `COGNITO_ISSUER`: the exact issuers, comma-separated (cognito-local, or any
 *   issuer not on AWS).
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
/** "a, b" -> ["a", "b"]; an empty item stays, so that "a,,b" is refused rather than read as two. */
const list = (value: string) => value.split(",").map((item) => item.trim());

function parsesAsUrl(value: string): boolean {
  try {
    return Boolean(new URL(value));
  } catch {
    return false;
  }
}

const serviceSettingsSchema = z
  .object({
    COGNITO_USER_POOL_ID: setting,
    COGNITO_ADDITIONAL_REGIONS: setting.refine((value) => value === undefined || list(value).every((r) => r !== ""), {
      message: "must be Regions separated by commas, e.g. eu-west-1,us-west-2",
    }),
    COGNITO_ISSUER_FORMAT: z.preprocess(trimmed, z.enum(["ORIGINAL", "UPDATED"], { error: "must be ORIGINAL or UPDATED" }).optional()),
    COGNITO_ISSUER: setting.refine((value) => value === undefined || list(value).every(parsesAsUrl), {
      message: "must be issuer URLs separated by commas",
    }),
    COGNITO_ALLOWED_CLIENT_IDS: required(' (client ids separated by commas, or "*")').refine(
      (value) => value === "*" || list(value).every((id) => CLIENT_ID.test(id)),
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
  })
  .superRefine((settings, context) => {
    const problem = (name: string, message: string) => context.addIssue({ code: "custom", path: [name], message });
    const poolId = settings.COGNITO_USER_POOL_ID !== undefined;
    if (poolId && settings.COGNITO_ISSUER !== undefined) {
      problem("COGNITO_USER_POOL_ID", "and COGNITO_ISSUER are both set: set exactly one (the pool id for Cognito, the issuers otherwise)");
    } else if (!poolId && settings.COGNITO_ISSUER === undefined) {
      problem(
        "COGNITO_USER_POOL_ID",
        "and COGNITO_ISSUER are both unset: set COGNITO_USER_POOL_ID (your Cognito user pool) or COGNITO_ISSUER",
      );
    }
    if (!poolId) {
      for (const name of ["COGNITO_ADDITIONAL_REGIONS", "COGNITO_ISSUER_FORMAT"] as const) {
        if (settings[name] !== undefined) problem(name, "goes with COGNITO_USER_POOL_ID, not with COGNITO_ISSUER");
      }
    }
    // The token endpoint lives on the pool's domain, which the pool id does not tell.
    if (poolId && settings.COGNITO_TOKEN_URL === undefined) {
      problem("COGNITO_TOKEN_URL", "is not set (with COGNITO_USER_POOL_ID: https://<domain>.auth.<region>.amazoncognito.com/oauth2/token)");
    }
  });

/** Where the accepted issuers come from: the exact list, or a pool to derive them from. */
type IssuerSettings = { issuers: string[] } | { userPoolId: string; additionalRegions?: string[]; issuerFormat?: "ORIGINAL" | "UPDATED" };

export interface ServiceConfig {
  issuerSettings: IssuerSettings;
  /** Allowed client ids, or "*" for any client of the pool. */
  clientIds: string[] | "*";
  clockToleranceSeconds: number;
  /** Token endpoint shown in the OpenAPI document. */
  tokenUrl: string;
  logLevel: string | undefined;
}

/**
 * Reads the settings; throws a {@link ConfigError} naming the first bad variable.
 * @example
 * readServiceConfig({ COGNITO_USER_POOL_ID: "us-east-1_AbCdEfGhI", COGNITO_ALLOWED_CLIENT_IDS: "abc",
 *   COGNITO_TOKEN_URL: "https://acme.auth.us-east-1.amazoncognito.com/oauth2/token" }).issuerSettings;
 * // { userPoolId: "us-east-1_AbCdEfGhI" }
 */
export function readServiceConfig(vars: object): ServiceConfig {
  const parsed = serviceSettingsSchema.safeParse(vars);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(`${name} ${issue.message}`, name);
  }
  const settings = parsed.data;
  const clientList = settings.COGNITO_ALLOWED_CLIENT_IDS;
  let issuerSettings: IssuerSettings;
  let tokenUrl: string;
  if (settings.COGNITO_USER_POOL_ID !== undefined) {
    issuerSettings = {
      userPoolId: settings.COGNITO_USER_POOL_ID,
      ...(settings.COGNITO_ADDITIONAL_REGIONS !== undefined ? { additionalRegions: list(settings.COGNITO_ADDITIONAL_REGIONS) } : {}),
      ...(settings.COGNITO_ISSUER_FORMAT !== undefined ? { issuerFormat: settings.COGNITO_ISSUER_FORMAT } : {}),
    };
    tokenUrl = settings.COGNITO_TOKEN_URL!;
  } else {
    const issuers = list(settings.COGNITO_ISSUER!);
    issuerSettings = { issuers };
    // cognito-local serves its token endpoint on the issuer's origin.
    tokenUrl = settings.COGNITO_TOKEN_URL ?? `${new URL(issuers[0]!).origin}/oauth2/token`;
  }
  return {
    issuerSettings,
    clientIds: clientList === "*" ? "*" : list(clientList),
    clockToleranceSeconds: Number(settings.CLOCK_TOLERANCE_SECONDS ?? "5"),
    tokenUrl,
    logLevel: settings.LOG_LEVEL,
  };
}
