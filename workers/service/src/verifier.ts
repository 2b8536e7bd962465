/**
 * One verifier per isolate, built from the worker's settings on first use: its
 * key set and verified-token cache then serve every request of the isolate.
 * @module
 */
import { CognitoAccessTokenVerifier } from "../../../shared/cognito/cognito-verifier";
import { VerifierConfigError } from "../../../shared/errors";
import { oncePerEnv } from "../../../shared/once-per-env";
import { readServiceConfig, ServiceConfigError, type ServiceConfig } from "./config";

const SETTING_FOR_OPTION: Record<string, string> = {
  issuer: "COGNITO_ISSUER",
  clientIds: "COGNITO_ALLOWED_CLIENT_IDS",
  clockToleranceSeconds: "CLOCK_TOLERANCE_SECONDS",
};

/** The settings and verifier for this env; throws the configuration error, naming the variable. */
export const configured = oncePerEnv((env: Env): { config: ServiceConfig; verifier: CognitoAccessTokenVerifier } => {
  const config = readServiceConfig(env);
  try {
    const verifier = new CognitoAccessTokenVerifier({
      issuer: config.issuer,
      clientIds: config.clientIds,
      clockToleranceSeconds: config.clockToleranceSeconds,
    });
    return { config, verifier };
  } catch (error) {
    if (!(error instanceof VerifierConfigError)) throw error;
    throw new ServiceConfigError(`${(error.option && SETTING_FOR_OPTION[error.option]) ?? "settings"}: ${error.message}`);
  }
});
