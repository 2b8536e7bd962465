// cognito-local as the tests run it: the dev pool, with the extra clients of
// template-variants.ts (the same Miniflare options as the scripts', scripts/miniflare-workers.mjs).
import { cognitoLocalWorker as builtCognitoLocal } from "../../scripts/miniflare-workers.mjs";
import { EXTRA_CLIENT_SECRETS, templateWithExtraClients } from "./template-variants.ts";

export const COGNITO_LOCAL_WORKER_NAME = "cognito-local";

export function cognitoLocalWorker() {
  return builtCognitoLocal({ ...EXTRA_CLIENT_SECRETS, COGNITO_TEMPLATE_YAML: templateWithExtraClients() });
}
