// What must be true of the two workers' configs (wrangler.toml for MyService,
// workers/bff/wrangler.toml for MyBFF) before `npm run deploy`: no setting still
// points at the local stack (loopback URLs, cognito-local's ids), the KV namespace id
// is a real one, and the issuer and token URL look like a Cognito user pool's.
import { DEV_CLIENT_ID } from "../dev-settings.mjs";
import { readSettings } from "./wrangler-toml.mjs";
const COGNITO_ISSUER = /^https:\/\/cognito-idp\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com\/[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$/;
const KV_ID = /^[0-9a-f]{32}$/;

const prefixed = (prefix, settings) => Object.fromEntries(Object.entries(settings).map(([k, v]) => [prefix + k, v]));

function isLoopback(value) {
  try {
    const host = new URL(value).hostname;
    return host === "localhost" || host === "[::1]" || host.startsWith("127.");
  } catch {
    return false;
  }
}

/**
 * Problems that make a deploy pointless or unsafe, each starting with the setting
 * (`vars.COGNITO_ISSUER` of MyService, `bff:vars.AUTH_SERVER_MYBFF_CLIENT_ID` of MyBFF);
 * an empty list means go.
 */
export function deployProblems(configs) {
  const s = { ...readSettings(configs.service), ...prefixed("bff:", readSettings(configs.bff)) };
  const problems = [];
  const need = (key, test, message) => {
    const value = s[key];
    if (value === undefined || value === "") problems.push(`${key} is not set`);
    else if (!test(value)) problems.push(`${key} = "${value}": ${message}`);
  };
  need("vars.COGNITO_ISSUER", (v) => COGNITO_ISSUER.test(v),
    "must be your user pool's issuer, https://cognito-idp.<region>.amazonaws.com/<poolId> (npm run configure)");
  need("vars.COGNITO_ALLOWED_CLIENT_IDS", (v) => !v.split(",").map((id) => id.trim()).includes(DEV_CLIENT_ID),
    "still names cognito-local's client: use your app client ids (npm run configure)");
  need("vars.COGNITO_TOKEN_URL", (v) => v.startsWith("https://") && !isLoopback(v), "must be your Cognito domain's token URL");
  need("bff:vars.AUTH_SERVER_TOKEN_ENDPOINT_URL", (v) => v.startsWith("https://") && !isLoopback(v),
    "must be https://<domain>.auth.<region>.amazoncognito.com/oauth2/token (npm run configure)");
  need("bff:vars.AUTH_SERVER_MYBFF_CLIENT_ID", (v) => v !== DEV_CLIENT_ID, "is cognito-local's client id (npm run configure)");
  need("bff:kv_namespaces.id", (v) => KV_ID.test(v),
    "is not a KV namespace id: npx wrangler kv namespace create TOKEN_CACHE, then npm run configure -- --kv-namespace-id <id>");
  if (s["bff:services.service"] === undefined && isLoopback(s["bff:vars.MY_SERVICE_URL"] ?? "")) {
    problems.push("bff:vars.MY_SERVICE_URL points at this machine and there is no MY_SERVICE binding");
  }
  return problems;
}
