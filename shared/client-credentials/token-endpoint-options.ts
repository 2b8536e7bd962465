/**
 * The checks of the options that say where tokens come from and as whom, shared by
 * the token cache and the token coordinator so that both refuse the same mistakes
 * when they are created: a missing client id or secret, an endpoint that is not
 * https (plain http only on an exact loopback host, for local development), or one
 * with a user name or password in it. A typo there would send the client secret in
 * the clear, or to a host that is not the authorization server.
 * @module
 */
import { ConfigError } from "../errors.ts";
import { isLoopbackHost } from "../jwt/loopback.ts";
import { numberOption } from "../options.ts";
import { TOKEN_REQUEST_TIMEOUT_MS, type TokenEndpointOptions } from "./request-token.ts";

/**
 * The token endpoint as a URL, if it is one MyBFF may send the secret to.
 * @throws {ConfigError} naming `option`
 * @example
 * checkEndpointUrl("https://auth.example.com/oauth2/token", "tokenEndpoint"); // a URL
 * checkEndpointUrl("http://auth.example.com/oauth2/token", "tokenEndpoint"); // throws
 */
function checkEndpointUrl(value: unknown, option: string): URL {
  if (typeof value !== "string" || value === "") throw new ConfigError(`${option} is required`, option);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${option} is not a URL`, option);
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigError(`${option} must not hold a user name or password`, option);
  }
  const loopbackHttp = url.protocol === "http:" && isLoopbackHost(url.hostname);
  if (url.protocol !== "https:" && !loopbackHttp) {
    throw new ConfigError(`${option} must be an https URL (http only on a loopback host: 127.0.0.1, localhost, [::1])`, option);
  }
  return url;
}

/**
 * Checks the options of a token request once, when the object that makes them is created.
 * @throws {ConfigError} naming the first bad option
 */
export function checkTokenEndpointOptions(options: TokenEndpointOptions): void {
  checkEndpointUrl(options.tokenEndpoint, "tokenEndpoint");
  for (const name of ["clientId", "clientSecret"] as const) {
    if (typeof options[name] !== "string" || options[name] === "") throw new ConfigError(`${name} is required`, name);
  }
  if (!Array.isArray(options.scopes) || !options.scopes.every((scope) => typeof scope === "string" && scope !== "")) {
    throw new ConfigError("scopes must be a list of scope names", "scopes");
  }
  if (options.clientAuthentication !== undefined && options.clientAuthentication !== "basic" && options.clientAuthentication !== "body") {
    throw new ConfigError("clientAuthentication must be basic or body", "clientAuthentication");
  }
  if (options.tokenRequest !== undefined && options.tokenRequest !== "oauth2" && options.tokenRequest !== "cognito_get_client_token") {
    throw new ConfigError("tokenRequest must be oauth2 or cognito_get_client_token", "tokenRequest");
  }
  numberOption("timeoutMs", options.timeoutMs, TOKEN_REQUEST_TIMEOUT_MS, { min: 1 });
}
