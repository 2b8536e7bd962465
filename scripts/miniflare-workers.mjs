// The Miniflare options of the built workers (.build/) that Node-side tests, the
// reliability runs and the bench start side by side: one definition of each.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEV_CLIENT_SECRET, devServiceVars, WORKERS_RUNTIME } from "./dev-settings.mjs";
import { ROOT } from "./local-stack.mjs";

/** Where the workers reach cognito-local (a router worker or outboundService maps it). */
export const COGNITO_ORIGIN = "http://127.0.0.1:8789";

/**
 * The modules of a bundle that `wrangler deploy --dry-run` wrote: index.js and, as text,
 * the files its [[rules]] left beside it (cognito-local's template). Named one by one
 * rather than found through `modulesRules`, which the Workers test plugin's Miniflare 5
 * cannot take.
 * @param {string} dir
 */
function builtModules(dir) {
  // The entry point first: Miniflare starts the worker from the first module.
  const names = ["index.js", ...readdirSync(dir).filter((name) => name.endsWith(".yaml"))];
  return names.map((name) => ({
    type: /** @type {const} */ (name === "index.js" ? "ESModule" : "Text"),
    path: join(dir, name),
    contents: readFileSync(join(dir, name), "utf8"),
  }));
}

/**
 * cognito-local serving the dev pool of infra/cognito.yaml at COGNITO_ORIGIN, with
 * MyBFF's dev secret; `bindings` adds settings (more clients' secrets, another template).
 * @param {Record<string, string>} [bindings]
 */
export function cognitoLocalWorker(bindings = {}) {
  return {
    name: "cognito-local",
    modules: builtModules(join(ROOT, ".build/cognito-local")),
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
