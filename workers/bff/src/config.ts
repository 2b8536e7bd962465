/**
 * MyBFF's settings, with the reference post's names, read and checked once per
 * isolate. A missing or malformed setting is an error that names the variable.
 * @module
 */

export interface BffConfig {
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** MyService's base URL; used only when the MY_SERVICE binding is absent. */
  myServiceUrl: string | null;
  myServiceTimeoutMs: number;
  tokenRequestTimeoutMs: number;
}

export class BffConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  override name = this.constructor.name;
}

export const DEFAULT_TOKEN_SCOPES = "MyService/weather_read";
const DEFAULT_TIMEOUT_MS = 5_000;
const MAX_TIMEOUT_MS = 60_000;

type Vars = Record<string, unknown>;

function text(vars: Vars, name: string): string | undefined {
  const value = vars[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function required(vars: Vars, name: string, hint = ""): string {
  const value = text(vars, name);
  if (value === undefined) throw new BffConfigError(`${name} is not set${hint}`);
  return value;
}

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BffConfigError(`${name} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new BffConfigError(`${name} must be an http(s) URL`);
  return value;
}

function milliseconds(vars: Vars, name: string): number {
  const value = text(vars, name);
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 1 || ms > MAX_TIMEOUT_MS) {
    throw new BffConfigError(`${name} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  return ms;
}

/** Reads the settings; throws {@link BffConfigError} naming the first bad variable. */
export function readBffConfig(vars: Vars, hasServiceBinding: boolean): BffConfig {
  const tokenEndpoint = httpUrl("AUTH_SERVER_TOKEN_ENDPOINT_URL", required(vars, "AUTH_SERVER_TOKEN_ENDPOINT_URL"));
  const clientId = required(vars, "AUTH_SERVER_MYBFF_CLIENT_ID");
  const clientSecret = required(
    vars,
    "AUTH_SERVER_MYBFF_CLIENT_SECRET",
    " (a secret: .dev.vars.bff locally, `wrangler secret put AUTH_SERVER_MYBFF_CLIENT_SECRET --env bff` in production)",
  );
  const scopeText = text(vars, "TOKEN_SCOPES") ?? DEFAULT_TOKEN_SCOPES;
  const scopes = scopeText.split(/\s+/);
  if (scopes.some((scope) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))) {
    throw new BffConfigError("TOKEN_SCOPES must be scope names separated by spaces");
  }
  const serviceUrl = text(vars, "MY_SERVICE_URL");
  if (!hasServiceBinding && serviceUrl === undefined) {
    throw new BffConfigError("MY_SERVICE_URL is not set, and there is no MY_SERVICE binding");
  }
  if (!(vars.TOKEN_CACHE && typeof (vars.TOKEN_CACHE as KVNamespace).get === "function")) {
    throw new BffConfigError("TOKEN_CACHE (KV namespace binding) is missing");
  }
  return {
    tokenEndpoint,
    clientId,
    clientSecret,
    scopes,
    myServiceUrl: serviceUrl === undefined ? null : httpUrl("MY_SERVICE_URL", serviceUrl),
    myServiceTimeoutMs: milliseconds(vars, "MY_SERVICE_TIMEOUT_MS"),
    tokenRequestTimeoutMs: milliseconds(vars, "TOKEN_REQUEST_TIMEOUT_MS"),
  };
}
