/**
 * What MyService builds once per isolate from its settings: the logger, the verifier
 * (its key sets and verified-token cache then serve every request of the isolate),
 * the token URL of the OpenAPI document and the origin /docs may connect to.
 * @module
 */
import { CognitoAccessTokenVerifier, jsonLineLogger, type Logger } from "edge-cc-auth";
import { oncePerEnv } from "#kit/once-per-env.ts";
import { withSettingNames } from "#kit/settings.ts";
import { readServiceConfig, type ServiceConfig } from "./config";

/** The one mapping from the verifier's options to the settings that give them. */
const SETTING_FOR_OPTION: Record<string, string> = {
  issuer: "COGNITO_ISSUER",
  userPoolId: "COGNITO_USER_POOL_ID",
  "issuer/userPoolId": "COGNITO_USER_POOL_ID/COGNITO_ISSUER",
  issuerFormat: "COGNITO_ISSUER_FORMAT",
  clientIds: "COGNITO_ALLOWED_CLIENT_IDS",
  clockToleranceSeconds: "CLOCK_TOLERANCE_SECONDS",
  "jwks.shared.secret": "JWKS_SHARED_CACHE_SECRET",
};

/** The named cache of the location that holds the key set (any name: only this Worker's secret authenticates it). */
const SHARED_KEY_SET_CACHE = "edge-cc-auth:jwks";

/** The key set shared between isolates, unless turned off; without its secret it is off, and a warning says so. */
function sharedKeySet(config: ServiceConfig, logger: Logger) {
  if (config.sharedKeySet === null) return null;
  const { secret } = config.sharedKeySet;
  if (secret === undefined) {
    logger("warn", "jwks_sharing_off", {
      reason: 'JWKS_SHARED_CACHE_SECRET is not set: each isolate fetches the key set itself (set the secret, or JWKS_SHARED_CACHE = "off")',
    });
    return null;
  }
  return { cache: caches.open(SHARED_KEY_SET_CACHE), secret };
}

const DEPRECATED_SETTINGS: Record<string, { reason: string; source: string }> = {
  COGNITO_ADDITIONAL_REGIONS: {
    reason:
      "ignored: since 2026-07-28 Cognito replicas issue tokens with the primary Region's issuer, which COGNITO_USER_POOL_ID gives already",
    source: "https://github.com/awslabs/aws-jwt-verify/issues/282",
  },
};

export interface Configured {
  config: ServiceConfig;
  logger: Logger;
  verifier: CognitoAccessTokenVerifier;
  /** Shown as the clientCredentials tokenUrl of /openapi.json. */
  tokenUrl: string;
  /** The one origin besides its own that /docs may connect to (Swagger UI's Authorize). */
  tokenOrigin: string;
}

/** The settings, logger and verifier for this env; throws the ConfigError, naming the variable. */
export const configured = oncePerEnv((env: Env): Configured => {
  const config = readServiceConfig(env);
  const logger = jsonLineLogger(config.logLevel);
  for (const setting of config.deprecated) logger("warn", "setting_deprecated", { setting, ...DEPRECATED_SETTINGS[setting] });
  const verifier = withSettingNames(
    () => new CognitoAccessTokenVerifier({ ...config.verifierOptions, jwks: { shared: sharedKeySet(config, logger) }, logger }),
    SETTING_FOR_OPTION,
  );
  // Without COGNITO_TOKEN_URL (COGNITO_ISSUER only), cognito-local's: it serves its
  // token endpoint on the issuer's origin.
  const tokenUrl = config.tokenUrl ?? `${new URL(verifier.issuer).origin}/oauth2/token`;
  return { config, logger, verifier, tokenUrl, tokenOrigin: new URL(tokenUrl).origin };
});
