/**
 * What one MyBFF isolate keeps: its settings and its token cache (memory, then the
 * TOKEN_CACHE KV namespace, then Cognito), built on first use.
 * @module
 */
import { ClientCredentialsTokenCache } from "../../../shared/client-credentials/client-credentials-token-cache";
import { setLogLevel } from "../../../shared/log";
import { oncePerEnv } from "../../../shared/once-per-env";
import { readBffConfig, type BffConfig } from "./config";

export type BffEnv = Cloudflare.BffEnv & { AUTH_SERVER_MYBFF_CLIENT_SECRET?: string };

export const bffRuntime = oncePerEnv((env: BffEnv): { config: BffConfig; tokens: ClientCredentialsTokenCache } => {
  setLogLevel((env as { LOG_LEVEL?: string }).LOG_LEVEL);
  const config = readBffConfig(env as unknown as Record<string, unknown>, Boolean(env.MY_SERVICE));
  const tokens = new ClientCredentialsTokenCache({
    tokenEndpoint: config.tokenEndpoint,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scopes: config.scopes,
    timeoutMs: config.tokenRequestTimeoutMs,
    kv: env.TOKEN_CACHE,
  });
  return { config, tokens };
});
