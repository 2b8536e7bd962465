// `COGNITO=real npm run dev`: MyService and MyBFF on this machine against a real user
// pool, with no cognito-local. The workers run on what their wrangler configs hold
// (after `npm run configure`: the pool, MyBFF's client and token source), and MyBFF's
// secret comes from workers/bff/.dev.vars, where wrangler dev reads it. Nothing is
// overridden but MyBFF's MY_SERVICE_URL (the local MyService's port). What is not
// ready is said before anything starts, each problem naming its setting.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deployProblems } from "./deploy/check-deploy-config.mjs";
import { readSettings } from "./deploy/wrangler-toml.mjs";
import { DEV_CLIENT_SECRET } from "./dev-settings.mjs";

/** Where `npm run dev` gets its tokens: `COGNITO=local` (cognito-local, the default) or `COGNITO=real`. */
export const COGNITO_MODES = Object.freeze(["local", "real"]);

/** The value of `name` in a .dev.vars text (KEY="value" or KEY=value lines), or undefined. */
function devVar(text, name) {
  const match = new RegExp(`^\\s*${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|(\\S*))\\s*$`, "m").exec(text);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/**
 * What keeps the real-pool stack from running, one line each (empty: ready): the
 * deploy check's problems with the configs, except those that only matter on
 * Cloudflare (the KV namespace id: wrangler dev keeps KV locally), and MyBFF's secret
 * in `bffDevVars` (workers/bff/.dev.vars), which must be the real one.
 * @param {{ service: string, bff: string, bffDevVars: string }} paths
 */
export function realPoolProblems(paths) {
  const problems = deployProblems(paths).filter((p) => !p.startsWith("bff:kv_namespaces.id"));
  const text = existsSync(paths.bffDevVars) ? readFileSync(paths.bffDevVars, "utf8") : "";
  const secret = devVar(text, "AUTH_SERVER_MYBFF_CLIENT_SECRET");
  if (secret === undefined || secret === "") {
    problems.push(`${paths.bffDevVars}: AUTH_SERVER_MYBFF_CLIENT_SECRET is not set: put MyBFF's client secret there`);
  } else if (secret === DEV_CLIENT_SECRET) {
    problems.push(
      `${paths.bffDevVars}: AUTH_SERVER_MYBFF_CLIENT_SECRET is cognito-local's dev-only secret: put MyBFF's real client secret there (ClientSecret of aws cognito-idp describe-user-pool-client)`,
    );
  }
  return problems;
}

/**
 * The one line `npm run dev` prints about whose tokens MyService accepts and where MyBFF
 * gets its own, read from the configs (real pool) or from cognito-local's settings.
 * @param {{ service: string, bff: string }} configs
 */
export function realPoolIssuerLine(configs) {
  const service = readSettings(configs.service);
  const bff = readSettings(configs.bff);
  const poolId = service["vars.COGNITO_USER_POOL_ID"] ?? "";
  const trusted = poolId
    ? `the issuers of the pool ${poolId}${service["vars.COGNITO_ISSUER_FORMAT"] ? ` (${service["vars.COGNITO_ISSUER_FORMAT"]} only)` : ""}`
    : `the issuer ${service["vars.COGNITO_ISSUER"]}`;
  const source = bff["vars.COGNITO_USER_POOL_ID"]
    ? `GetClientToken of the pool ${bff["vars.COGNITO_USER_POOL_ID"]}`
    : bff["vars.AUTH_SERVER_TOKEN_ENDPOINT_URL"];
  return `Issuer: ${trusted} (COGNITO=real: the wrangler configs' values); MyBFF gets its token from ${source}`;
}

/** The default paths of the configs and of MyBFF's .dev.vars, under `root`. */
export function realPoolPaths(root) {
  return {
    service: join(root, "wrangler.toml"),
    bff: join(root, "workers/bff/wrangler.toml"),
    bffDevVars: join(root, "workers/bff/.dev.vars"),
  };
}
