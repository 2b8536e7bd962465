/**
 * One verifier per isolate, built from the worker's settings on first use: its
 * key set and verified-token cache then serve every request of the isolate.
 * @module
 */
import { CognitoAccessTokenVerifier, ConfigError, oncePerEnv, setLogLevel } from "edge-cc-auth";
import { readServiceConfig, type ServiceConfig } from "./config";

const SETTING_FOR_OPTION: Record<string, string> = {
  issuer: "COGNITO_ISSUER",
  userPoolId: "COGNITO_USER_POOL_ID",
  additionalRegions: "COGNITO_ADDITIONAL_REGIONS",
  issuerFormat: "COGNITO_ISSUER_FORMAT",
  clientIds: "COGNITO_ALLOWED_CLIENT_IDS",
  clockToleranceSeconds: "CLOCK_TOLERANCE_SECONDS",
};

/** The settings and verifier for this env; throws the ConfigError, naming the variable. */
export const configured = oncePerEnv((env: Env): { config: ServiceConfig; verifier: CognitoAccessTokenVerifier } => {
  const config = readServiceConfig(env);
  setLogLevel(config.logLevel);
  try {
    const source = config.issuerSettings;
    const verifier = new CognitoAccessTokenVerifier({
      ...("issuers" in source ? { issuer: source.issuers } : source),
      clientIds: config.clientIds,
      clockToleranceSeconds: config.clockToleranceSeconds,
    });
    return { config, verifier };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const setting = SETTING_FOR_OPTION[error.option] ?? error.option;
    throw new ConfigError(`${setting}: ${error.message}`, setting);
  }
});
