// The Miniflare options of the built workers (.build/) that Node-side tests, the
// reliability runs and the bench start side by side: one definition of each.
import { join } from "node:path";
import { DEV_CLIENT_SECRET, devServiceVars, WORKERS_RUNTIME } from "./dev-settings.mjs";
import { ROOT } from "./local-stack.mjs";

/** Where the workers reach cognito-local (a router worker or outboundService maps it). */
export const COGNITO_ORIGIN = "http://127.0.0.1:8789";

/**
 * cognito-local serving the dev pool of infra/cognito.yaml at COGNITO_ORIGIN, with
 * MyBFF's dev secret; `bindings` adds settings (more clients' secrets, another template).
 * @param {Record<string, string>} [bindings]
 */
export function cognitoLocalWorker(bindings = {}) {
  return {
    name: "cognito-local",
    modules: true,
    scriptPath: join(ROOT, ".build/cognito-local/index.js"),
    modulesRules: [{ type: /** @type {const} */ ("Text"), include: ["**/*.yaml"] }],
    ...WORKERS_RUNTIME,
    kvNamespaces: ["COGNITO_STATE"],
    bindings: { AWS_REGION: "us-east-1", ISSUER_ORIGIN: COGNITO_ORIGIN, CLIENT_SECRET_MyBFF: DEV_CLIENT_SECRET, ...bindings },
  };
}

/**
 * MyService with the local stack's settings (or `bindings`), its fetches sent to `outboundService`.
 * @param {Record<string, string>} [bindings]
 */
export function myServiceWorker(bindings = devServiceVars(COGNITO_ORIGIN), outboundService = "router") {
  return {
    name: "myservice",
    modules: true,
    scriptPath: join(ROOT, ".build/service/index.js"),
    ...WORKERS_RUNTIME,
    bindings,
    outboundService,
  };
}
