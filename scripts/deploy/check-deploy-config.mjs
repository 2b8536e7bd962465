// What must be true of the two workers' configs (wrangler.toml for MyService,
// workers/bff/wrangler.toml for MyBFF) before `npm run deploy`: no setting still
// points at the local stack (loopback URLs, cognito-local's ids), the KV namespace id
// is a real one, and MyService names a Cognito user pool: COGNITO_USER_POOL_ID (what
// `npm run configure` writes), or COGNITO_ISSUER holding issuers of either format.
// MyBFF names exactly one token source: AUTH_SERVER_TOKEN_ENDPOINT_URL (Cognito's token
// endpoint) or COGNITO_USER_POOL_ID (GetClientToken of that pool), and no cognito-local
// endpoint (COGNITO_IDP_ENDPOINT_URL).
import { DEV_CLIENT_ID, DEV_POOL_ID } from "../dev-settings.mjs";
import { COGNITO_ISSUER, USER_POOL_ID } from "./cognito-pool.mjs";
import { readSettings } from "./wrangler-toml.mjs";

const KV_ID = /^[0-9a-f]{32}$/;
const list = (value) => value.split(",").map((item) => item.trim());

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
  const poolId = s["vars.COGNITO_USER_POOL_ID"] ?? "";
  const issuer = s["vars.COGNITO_ISSUER"] ?? "";
  if (poolId !== "" && issuer !== "") {
    problems.push(
      "vars.COGNITO_USER_POOL_ID and vars.COGNITO_ISSUER are both set: keep COGNITO_USER_POOL_ID and empty COGNITO_ISSUER (npm run configure)",
    );
  } else if (poolId !== "") {
    if (!USER_POOL_ID.test(poolId) || poolId === DEV_POOL_ID) {
      problems.push(`vars.COGNITO_USER_POOL_ID = "${poolId}": must be your user pool's id, <region>_<id> (npm run configure)`);
    }
  } else if (issuer === "") {
    problems.push(
      "vars.COGNITO_USER_POOL_ID and vars.COGNITO_ISSUER are both unset: set COGNITO_USER_POOL_ID to your user pool's id (npm run configure)",
    );
  } else {
    need(
      "vars.COGNITO_ISSUER",
      (v) => list(v).every((one) => COGNITO_ISSUER.test(one)),
      "must be your user pool's id in COGNITO_USER_POOL_ID (npm run configure), or its issuers: https://cognito-idp.<region>.amazonaws.com/<poolId> (ORIGINAL) or https://issuer-cognito-idp.<region>.amazonaws.com/<poolId> (UPDATED)",
    );
  }
  // Deprecated: since 2026-07-28 replicas stamp the primary Region's issuer (aws-jwt-verify
  // issue 282), so MyService ignores it; a deploy that still sets it is told so.
  if ((s["vars.COGNITO_ADDITIONAL_REGIONS"] ?? "") !== "") {
    problems.push(
      "vars.COGNITO_ADDITIONAL_REGIONS is deprecated and ignored: Cognito replicas now issue tokens with the primary Region's issuer (https://github.com/awslabs/aws-jwt-verify/issues/282); remove it",
    );
  }
  const format = s["vars.COGNITO_ISSUER_FORMAT"] ?? "";
  if (format !== "" && format !== "ORIGINAL" && format !== "UPDATED") {
    problems.push(`vars.COGNITO_ISSUER_FORMAT = "${format}": must be ORIGINAL or UPDATED, or empty for both`);
  }
  need(
    "vars.COGNITO_ALLOWED_CLIENT_IDS",
    (v) =>
      !v
        .split(",")
        .map((id) => id.trim())
        .includes(DEV_CLIENT_ID),
    "still names cognito-local's client: use your app client ids (npm run configure)",
  );
  need("vars.COGNITO_TOKEN_URL", (v) => v.startsWith("https://") && !isLoopback(v), "must be your Cognito domain's token URL");
  const tokenEndpoint = s["bff:vars.AUTH_SERVER_TOKEN_ENDPOINT_URL"] ?? "";
  const bffPoolId = s["bff:vars.COGNITO_USER_POOL_ID"] ?? "";
  if (tokenEndpoint !== "" && bffPoolId !== "") {
    problems.push(
      "bff:vars.AUTH_SERVER_TOKEN_ENDPOINT_URL and bff:vars.COGNITO_USER_POOL_ID are both set: MyBFF takes one token source (npm run configure -- --token-source ...)",
    );
  } else if (bffPoolId !== "") {
    if (!USER_POOL_ID.test(bffPoolId) || bffPoolId === DEV_POOL_ID) {
      problems.push(`bff:vars.COGNITO_USER_POOL_ID = "${bffPoolId}": must be your user pool's id, <region>_<id> (npm run configure)`);
    }
  } else {
    need(
      "bff:vars.AUTH_SERVER_TOKEN_ENDPOINT_URL",
      (v) => v.startsWith("https://") && !isLoopback(v),
      "must be https://<domain>.auth.<region>.amazoncognito.com/oauth2/token, or set bff:vars.COGNITO_USER_POOL_ID instead for GetClientToken (npm run configure)",
    );
  }
  // MyBFF takes it for cognito-local only (a loopback host): in production GetClientToken
  // goes to the pool Region's endpoint, and a loopback one would fail every token request.
  const localCognito = s["bff:vars.COGNITO_IDP_ENDPOINT_URL"] ?? "";
  if (localCognito !== "") {
    problems.push(
      `bff:vars.COGNITO_IDP_ENDPOINT_URL = "${localCognito}": is for cognito-local on this machine only; empty it (GetClientToken then goes to the pool's Region)`,
    );
  }
  need("bff:vars.AUTH_SERVER_MYBFF_CLIENT_ID", (v) => v !== DEV_CLIENT_ID, "is cognito-local's client id (npm run configure)");
  need(
    "bff:kv_namespaces.id",
    (v) => KV_ID.test(v),
    "is not a KV namespace id: npx wrangler kv namespace create TOKEN_CACHE, then npm run configure -- --kv-namespace-id <id>",
  );
  if (s["bff:services.service"] === undefined && isLoopback(s["bff:vars.MY_SERVICE_URL"] ?? "")) {
    problems.push("bff:vars.MY_SERVICE_URL points at this machine and there is no MY_SERVICE binding");
  }
  return problems;
}
