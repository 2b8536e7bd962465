// The settings of the local stack, in one place: `npm run dev`, the tests and the
// deploy check all use these, so that wrangler.toml can hold production values
// (after `npm run configure`) and the local stack still talks to cognito-local.
// The ids are cognito-local's, derived from infra/cognito.yaml (README, "cognito-local");
// the stack test checks they still match what cognito-local derives.

import { readFileSync } from "node:fs";

export const DEV_POOL_ID = "us-east-1_toFGiuX5i";
export const DEV_CLIENT_ID = "xe5xuz3azyo3g47nj1p5m3h2w6";

/**
 * MyService's settings against a cognito-local served at `cognitoOrigin`. The issuer is
 * the UPDATED-format one, the format infra/cognito.yaml pins (cognito-local serves
 * UPDATED on 127.0.0.1 and ORIGINAL on localhost: workers/cognito-local/src/local-issuer.ts).
 * The pool-id settings are blanked (empty means not set), so that a wrangler.toml holding
 * a real pool after `npm run configure` still runs the local stack.
 */
export function devServiceVars(cognitoOrigin) {
  return {
    COGNITO_USER_POOL_ID: "",
    COGNITO_ADDITIONAL_REGIONS: "",
    COGNITO_ISSUER_FORMAT: "",
    COGNITO_ISSUER: `${cognitoOrigin}/${DEV_POOL_ID}`,
    COGNITO_ALLOWED_CLIENT_IDS: DEV_CLIENT_ID,
    COGNITO_TOKEN_URL: `${cognitoOrigin}/oauth2/token`,
    // Authenticates the key set shared between isolates; public, for the local stack only.
    JWKS_SHARED_CACHE_SECRET: DEV_JWKS_SHARED_CACHE_SECRET,
  };
}

/** MyService's dev-only JWKS_SHARED_CACHE_SECRET (public: never use it in production). */
export const DEV_JWKS_SHARED_CACHE_SECRET = "dev-only-jwks-shared-cache-secret-0123456789";

/**
 * What a script adds to a request to cognito-local's /_dev routes: they answer a loopback
 * Origin, or no Origin with this header (a web page cannot send it without a CORS
 * preflight, which cognito-local never grants).
 */
export const COGNITO_LOCAL_DEV_HEADERS = Object.freeze({ "X-Cognito-Local-Dev": "1" });

/** The token sources MyBFF can run on locally (`TOKEN_SOURCE` of `npm run dev`). */
export const TOKEN_SOURCES = Object.freeze(["token-endpoint", "get-client-token"]);

/**
 * MyBFF's settings against a cognito-local at `cognitoOrigin` and MyService at `serviceUrl`,
 * on one token source: `token-endpoint` (cognito-local's /oauth2/token, the default) or
 * `get-client-token` (GetClientToken at cognito-local's `POST /`, through the loopback-only
 * COGNITO_IDP_ENDPOINT_URL). The other source's settings are blanked (empty means not
 * set), so that a wrangler.toml holding either after `npm run configure` still runs locally.
 * @param {string} cognitoOrigin
 * @param {string} serviceUrl
 * @param {"token-endpoint" | "get-client-token"} [tokenSource]
 */
export function devBffVars(cognitoOrigin, serviceUrl, tokenSource = "token-endpoint") {
  if (!TOKEN_SOURCES.includes(tokenSource)) {
    throw new Error(`TOKEN_SOURCE must be ${TOKEN_SOURCES.join(" or ")}, not ${JSON.stringify(tokenSource)}`);
  }
  const source =
    tokenSource === "get-client-token"
      ? { AUTH_SERVER_TOKEN_ENDPOINT_URL: "", COGNITO_USER_POOL_ID: DEV_POOL_ID, COGNITO_IDP_ENDPOINT_URL: `${cognitoOrigin}/` }
      : { AUTH_SERVER_TOKEN_ENDPOINT_URL: `${cognitoOrigin}/oauth2/token`, COGNITO_USER_POOL_ID: "", COGNITO_IDP_ENDPOINT_URL: "" };
  return {
    ...source,
    AUTH_SERVER_MYBFF_CLIENT_ID: DEV_CLIENT_ID,
    MY_SERVICE_URL: serviceUrl,
  };
}

const SERVICE_CONFIG = readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8");

/**
 * The Workers compatibility date of every worker and test, read from MyService's
 * wrangler.toml (the other configs carry the same date; a test checks they agree).
 */
export const COMPATIBILITY_DATE = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(SERVICE_CONFIG)[1];

/**
 * The compatibility flags of every worker and test (Node.js compatibility off), read
 * from the same file.
 * @type {string[]}
 */
export const COMPATIBILITY_FLAGS = JSON.parse(/^compatibility_flags\s*=\s*(\[[^\]]*\])/m.exec(SERVICE_CONFIG)[1]);

/** Miniflare's options for the runtime every worker runs on: the date and flags above. */
export const WORKERS_RUNTIME = { compatibilityDate: COMPATIBILITY_DATE, compatibilityFlags: COMPATIBILITY_FLAGS };

/**
 * MyBFF's dev-only client secret, from workers/cognito-local/.dev.vars.example (public;
 * valid against cognito-local only).
 * @type {string}
 */
export const DEV_CLIENT_SECRET = String(
  /CLIENT_SECRET_MyBFF="([^"]+)"/.exec(readFileSync(new URL("../workers/cognito-local/.dev.vars.example", import.meta.url), "utf8"))?.[1],
);
