/**
 * MyService's settings (wrangler vars), read and checked once per isolate. A
 * missing or malformed setting is an error that names the variable.
 * @module
 */
import { MAX_CLOCK_TOLERANCE_SECONDS } from "../../../shared/jwt/jwt-verifier";

export interface ServiceConfig {
  issuer: string;
  /** Allowed client ids, or "*" for any client of the pool. */
  clientIds: string[] | "*";
  clockToleranceSeconds: number;
  /** Token endpoint shown in the OpenAPI document. */
  tokenUrl: string;
}

export class ServiceConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  override name = this.constructor.name;
}

type ServiceVars = Partial<Record<"COGNITO_ISSUER" | "COGNITO_ALLOWED_CLIENT_IDS" | "CLOCK_TOLERANCE_SECONDS" | "COGNITO_TOKEN_URL", unknown>>;

function required(vars: ServiceVars, name: keyof ServiceVars): string {
  const value = vars[name];
  if (typeof value !== "string" || value.trim() === "") throw new ServiceConfigError(`${name} is not set`);
  return value.trim();
}

function url(name: string, value: string): string {
  try {
    new URL(value);
  } catch {
    throw new ServiceConfigError(`${name} is not a URL`);
  }
  return value;
}

/** Reads the settings; throws {@link ServiceConfigError} naming the first bad variable. */
export function readServiceConfig(vars: ServiceVars): ServiceConfig {
  const issuer = url("COGNITO_ISSUER", required(vars, "COGNITO_ISSUER"));

  const clientList = required(vars, "COGNITO_ALLOWED_CLIENT_IDS");
  const clientIds = clientList === "*" ? "*" : clientList.split(",").map((id) => id.trim());
  if (clientIds !== "*" && clientIds.some((id) => !/^[A-Za-z0-9_+-]{1,128}$/.test(id))) {
    throw new ServiceConfigError('COGNITO_ALLOWED_CLIENT_IDS must be client ids separated by commas, or "*"');
  }

  const toleranceText = typeof vars.CLOCK_TOLERANCE_SECONDS === "string" ? vars.CLOCK_TOLERANCE_SECONDS.trim() : "5";
  const clockToleranceSeconds = Number(toleranceText);
  if (!/^\d+$/.test(toleranceText) || clockToleranceSeconds > MAX_CLOCK_TOLERANCE_SECONDS) {
    throw new ServiceConfigError(`CLOCK_TOLERANCE_SECONDS must be a whole number of seconds from 0 to ${MAX_CLOCK_TOLERANCE_SECONDS}`);
  }

  const tokenUrlText = typeof vars.COGNITO_TOKEN_URL === "string" && vars.COGNITO_TOKEN_URL.trim() !== ""
    ? vars.COGNITO_TOKEN_URL.trim()
    : `${new URL(issuer).origin}/oauth2/token`;
  const tokenUrl = url("COGNITO_TOKEN_URL", tokenUrlText);

  return { issuer, clientIds, clockToleranceSeconds, tokenUrl };
}
