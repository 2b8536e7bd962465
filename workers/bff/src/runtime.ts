/**
 * What one MyBFF isolate keeps: its settings and its token cache (memory, then the
 * TOKEN_CACHE KV namespace, then Cognito), built on first use.
 * @module
 */
import { oncePerEnv, setLogLevel } from "edge-cc-auth";
import { ClientCredentialsTokenCache } from "edge-cc-auth/client-credentials";
import { readBffConfig, type BffConfig } from "./config";

export const bffRuntime = oncePerEnv((env: Env): { config: BffConfig; tokens: ClientCredentialsTokenCache } => {
  const config = readBffConfig(env);
  setLogLevel(config.logLevel);
  const tokens = new ClientCredentialsTokenCache({
    tokenEndpoint: config.tokenEndpoint,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scopes: config.scopes,
    timeoutMs: config.tokenRequestTimeoutMs,
    clientAuthentication: config.tokenClientAuthentication,
    backOff: config.tokenBackOff,
    kv: env.TOKEN_CACHE,
  });
  return { config, tokens };
});
