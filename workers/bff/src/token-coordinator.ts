/**
 * MyBFF's token coordinator: the Durable Object class that, when the worker has a
 * `TOKEN_COORDINATOR` binding, makes MyBFF's token requests for every isolate
 * worldwide (edge-cc-auth's tokenCoordinator). It asks with the same options as the
 * token cache (config.ts's tokenEndpointOptions), so both request the same token (the
 * coordinator refuses an ask for another). index.ts exports it under the `class_name`
 * of workers/bff/wrangler.toml's (commented) binding.
 * @module
 */
import { jsonLineLogger } from "edge-cc-auth";
import { tokenCoordinator } from "edge-cc-auth/token-coordinator";
import { readBffConfig, tokenEndpointOptions } from "./config";

export const TokenCoordinator = tokenCoordinator((env: Env) => {
  const config = readBffConfig(env);
  return { ...tokenEndpointOptions(config), logger: jsonLineLogger(config.logLevel) };
});
