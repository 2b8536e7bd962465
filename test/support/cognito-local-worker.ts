// cognito-local as an auxiliary worker of the vitest-pool-workers projects. Tests
// and the worker under test reach it by plain fetch() to http://127.0.0.1:8789:
// the projects route their outbound requests to it (outboundService). It runs the
// template with extra clients (see template-variants.ts); MyBFF's client is unchanged.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COMPATIBILITY_DATE } from "../../scripts/dev-settings.mjs";
import { EXTRA_CLIENT_SECRETS, templateWithExtraClients } from "./template-variants.ts";

const ROOT = join(import.meta.dirname, "..", "..");

export const COGNITO_LOCAL_WORKER_NAME = "cognito-local";

export function cognitoLocalWorker() {
  const devVars = readFileSync(join(ROOT, "workers/cognito-local/.dev.vars.example"), "utf8");
  return {
    name: COGNITO_LOCAL_WORKER_NAME,
    modules: true,
    scriptPath: join(ROOT, ".build/cognito-local/index.js"),
    modulesRules: [{ type: "Text" as const, include: ["**/*.yaml"] }],
    compatibilityDate: COMPATIBILITY_DATE,
    kvNamespaces: ["COGNITO_STATE"],
    bindings: {
      AWS_REGION: "us-east-1",
      ISSUER_ORIGIN: "http://127.0.0.1:8789",
      CLIENT_SECRET_MyBFF: /CLIENT_SECRET_MyBFF="([^"]+)"/.exec(devVars)![1]!,
      ...EXTRA_CLIENT_SECRETS,
      COGNITO_TEMPLATE_YAML: templateWithExtraClients(),
    },
  };
}
