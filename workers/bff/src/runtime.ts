/**
 * What one MyBFF isolate keeps: its settings and its token cache (memory, then the
 * TOKEN_CACHE KV namespace, then Cognito), built on first use.
 * @module
 */
import { jsonLineLogger, oncePerEnv, parseLogLevel, setLogLevel } from "edge-cc-auth";
import { ClientCredentialsTokenCache, type CoordinatorNamespace, coordinatorClient } from "edge-cc-auth/client-credentials";
import { type BffConfig, readBffConfig, tokenEndpointOptions } from "./config";

export const bffRuntime = oncePerEnv((env: Env): { config: BffConfig; tokens: ClientCredentialsTokenCache } => {
  const config = readBffConfig(env);
  setLogLevel(config.logLevel);
  const tokens = new ClientCredentialsTokenCache({
    ...tokenEndpointOptions(config),
    backOff: config.tokenBackOff,
    kv: env.TOKEN_CACHE,
    logger: jsonLineLogger(parseLogLevel(config.logLevel)),
    // Opt-in (workers/bff/wrangler.toml): without the binding, KV alone, as before.
    coordinator: coordinatorOf(env),
  });
  return { config, tokens };
});

/** The token coordinator's client when the worker has the binding (it is not in the generated Env: it is commented out by default). */
function coordinatorOf(env: Env): ReturnType<typeof coordinatorClient> | null {
  const binding = (env as Env & { TOKEN_COORDINATOR?: CoordinatorNamespace }).TOKEN_COORDINATOR;
  return binding ? coordinatorClient(binding) : null;
}
