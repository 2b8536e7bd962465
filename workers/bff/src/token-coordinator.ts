/**
 * MyBFF's token coordinator: the Durable Object class that, when the worker has a
 * `TOKEN_COORDINATOR` binding, makes MyBFF's token requests for every isolate
 * worldwide (edge-cc-auth's tokenCoordinator). It reads the same settings as the
 * token cache (config.ts), so both request the same token. index.ts exports it
 * under the `class_name` of workers/bff/wrangler.toml's (commented) binding.
 * @module
 */
import { tokenCoordinator } from "edge-cc-auth/client-credentials";
import { readBffConfig } from "./config";

export const TokenCoordinator = tokenCoordinator((env: Env) => {
  const config = readBffConfig(env);
  return {
    tokenEndpoint: config.tokenEndpoint,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scopes: config.scopes,
    timeoutMs: config.tokenRequestTimeoutMs,
    clientAuthentication: config.tokenClientAuthentication,
  };
});
