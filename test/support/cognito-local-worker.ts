import { join } from "node:path";
import { COMPATIBILITY_DATE, DEV_CLIENT_SECRET } from "../../scripts/dev-settings.mjs";
import { EXTRA_CLIENT_SECRETS, templateWithExtraClients } from "./template-variants.ts";

const ROOT = join(import.meta.dirname, "..", "..");

export const COGNITO_LOCAL_WORKER_NAME = "cognito-local";

export function cognitoLocalWorker() {
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
      CLIENT_SECRET_MyBFF: DEV_CLIENT_SECRET,
      ...EXTRA_CLIENT_SECRETS,
      COGNITO_TEMPLATE_YAML: templateWithExtraClients(),
    },
  };
}
