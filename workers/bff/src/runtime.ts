/**
 * What one MyBFF isolate keeps: its settings, its logger and its token cache (memory,
 * then the TOKEN_CACHE KV namespace, then Cognito), built on first use.
 * @module
 */
import { jsonLineLogger, type Logger } from "edge-cc-auth";
import { ClientCredentialsTokenCache, type CoordinatorNamespace, coordinatorClient } from "edge-cc-auth/client-credentials";
import { oncePerEnv } from "#kit/once-per-env.ts";
import { type BffConfig, readBffConfig, settingsOf, tokenEndpointOptions, withSettingNames } from "./config";
import { ScopeRefusal } from "./scope-refusal";

export interface BffRuntime {
  config: BffConfig;
  logger: Logger;
  tokens: ClientCredentialsTokenCache;
  /** MyService's refusal of the token's scopes, remembered for the token cache's longest back-off. */
  scopeRefusal: ScopeRefusal;
}

/** The token cache's longest back-off when TOKEN_BACKOFF_MAX_MS is not set (the library's default, BackOffOptions.maxDelayMs). */
const DEFAULT_BACKOFF_MAX_MS = 60_000;

export const bffRuntime = oncePerEnv((env: Env): BffRuntime => {
  const config = readBffConfig(env);
  const logger = jsonLineLogger(config.logLevel);
  // The library checks its own options; withSettingNames names the setting behind one it refuses.
  const tokens = withSettingNames(
    () =>
      new ClientCredentialsTokenCache({
        ...tokenEndpointOptions(config),
        backOff: config.tokenBackOff,
        kv: env.TOKEN_CACHE,
        logger,
        // Opt-in (workers/bff/wrangler.toml): without the binding, KV alone, as before.
        coordinator: coordinatorOf(env),
      }),
    settingsOf(config),
  );
  const scopeRefusal = new ScopeRefusal(config.tokenBackOff.maxDelayMs ?? DEFAULT_BACKOFF_MAX_MS);
  return { config, logger, tokens, scopeRefusal };
});

/** The token coordinator's client when the worker has the binding (it is not in the generated Env: it is commented out by default). */
function coordinatorOf(env: Env): ReturnType<typeof coordinatorClient> | null {
  const binding = (env as Env & { TOKEN_COORDINATOR?: CoordinatorNamespace }).TOKEN_COORDINATOR;
  return binding ? coordinatorClient(binding) : null;
}
