/**
 * The checks of the options that say where tokens come from and as whom, shared by
 * the token cache and the token coordinator so that both refuse the same mistakes
 * when they are created: a missing client id or secret, or an endpoint outside the
 * library's URL rule (urlOption). A typo there would send the client secret in the
 * clear, or to a host that is not the authorization server.
 * @module
 */
import { ConfigError } from "../errors.ts";
import { numberOption, urlOption } from "../options.ts";
import { TOKEN_REQUEST_TIMEOUT_MS, type TokenEndpointOptions } from "./request-token.ts";

/**
 * Checks the options of a token request once, when the object that makes them is created.
 * @throws {ConfigError} naming the first bad option
 */
export function checkTokenEndpointOptions(options: TokenEndpointOptions): void {
  urlOption("tokenEndpoint", options.tokenEndpoint);
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
