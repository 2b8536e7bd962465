/**
 * One verifier per isolate, built from the worker's settings on first use: its
 * key set and verified-token cache then serve every request of the isolate.
 * @module
 */
import { CognitoAccessTokenVerifier } from "../../../shared/cognito/cognito-verifier";
import { VerifierConfigError } from "../../../shared/errors";
import { readServiceConfig, ServiceConfigError, type ServiceConfig } from "./config";

const SETTING_FOR_OPTION: Record<string, string> = {
  issuer: "COGNITO_ISSUER",
  clientIds: "COGNITO_ALLOWED_CLIENT_IDS",
  clockToleranceSeconds: "CLOCK_TOLERANCE_SECONDS",
};

function settingFor(option: string | undefined): string {
  return (option && SETTING_FOR_OPTION[option]) ?? "settings";
}

interface Configured {
  config: ServiceConfig;
  verifier: CognitoAccessTokenVerifier;
}

// Keyed by the env object: tests run workers with other settings in the same isolate.
const byEnv = new WeakMap<object, Configured | Error>();

/** The settings and verifier for this env; throws the configuration error, every time. */
export function configured(env: Env): Configured {
  let entry = byEnv.get(env);
  if (entry === undefined) {
    try {
      const config = readServiceConfig(env);
      const verifier = new CognitoAccessTokenVerifier({
        issuer: config.issuer,
        clientIds: config.clientIds,
        clockToleranceSeconds: config.clockToleranceSeconds,
      });
      entry = { config, verifier };
    } catch (error) {
      entry = error instanceof VerifierConfigError ? new ServiceConfigError(`${settingFor(error.option)}: ${error.message}`) : (error as Error);
    }
    byEnv.set(env, entry);
  }
  if (entry instanceof Error) throw entry;
  return entry;
}
