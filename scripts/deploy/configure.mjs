// `npm run configure -- --stack-outputs <file|-> --client <file> [--kv-namespace-id <id>]`
// Wires a deployed infra/cognito.yaml to the workers: the stack outputs (the JSON
// `aws cloudformation describe-stacks` prints) give the user pool id, the token URL and
// MyBFF's client id, written into wrangler.toml (MyService: COGNITO_USER_POOL_ID, so that
// it accepts both issuer formats of the pool, and COGNITO_ISSUER emptied) and
// workers/bff/wrangler.toml (MyBFF); the app client (the JSON `aws cognito-idp describe-user-pool-client` prints)
// gives the secret, set with `wrangler secret put` on MyBFF, or, when that cannot run
// (not logged in), the exact command to run is printed. The secret is never written
// to a file or printed. When it could not set the secret, configure still writes the
// configs but exits with code 1, and `npm run deploy -- --check` refuses until it is set.
// Options: --config <path> (MyService's, default wrangler.toml), --bff-config <path>
// (default workers/bff/wrangler.toml), --no-secret (leave the secret alone),
// --token-source <token-endpoint|get-client-token> (how MyBFF gets its token, default
// token-endpoint): token-endpoint writes MyBFF's AUTH_SERVER_TOKEN_ENDPOINT_URL (the
// TokenEndpointUrl output), get-client-token writes MyBFF's COGNITO_USER_POOL_ID (the
// UserPoolId output; MyBFF derives the Region and the user pools API endpoint from it).
// Exactly one of the two is written, the other emptied: MyBFF refuses a config with both.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT, WRANGLER_ENV } from "../local-stack.mjs";
import { issuerFormatOf, USER_POOL_ID } from "./cognito-pool.mjs";
import { markSecretNotSet, markSecretSet, SECRET_COMMAND } from "./secret-state.mjs";
import { readSettings, writeSettings } from "./wrangler-toml.mjs";

function readJson(path, what) {
  const text = readFileSync(path === "-" ? 0 : path, "utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} is not JSON (${path})`);
  }
}

/** The outputs of infra/cognito.yaml's stack, from `aws cloudformation describe-stacks` output. */
export function stackOutputs(describeStacks) {
  const outputs = describeStacks?.Stacks?.[0]?.Outputs;
  if (!Array.isArray(outputs))
    throw new Error("the stack outputs have no Stacks[0].Outputs: pass the output of aws cloudformation describe-stacks");
  const byKey = Object.fromEntries(outputs.map((o) => [o.OutputKey, o.OutputValue]));
  for (const key of ["UserPoolId", "TokenEndpointUrl", "MyBFFClientId"]) {
    if (typeof byKey[key] !== "string" || byKey[key] === "")
      throw new Error(`the stack outputs have no ${key}: is this the stack of infra/cognito.yaml?`);
  }
  if (!USER_POOL_ID.test(byKey.UserPoolId))
    throw new Error(`the stack output UserPoolId "${byKey.UserPoolId}" is not a user pool id (<region>_<id>)`);
  // IssuerUrl is for reference (MyService derives the issuers from the pool id); a stack
  // whose IssuerUrl is not an issuer of its own pool is not the template's.
  if (byKey.IssuerUrl !== undefined && issuerFormatOf(byKey.IssuerUrl, byKey.UserPoolId) === null) {
    throw new Error(`the stack output IssuerUrl "${byKey.IssuerUrl}" is not an issuer of the pool ${byKey.UserPoolId}`);
  }
  return byKey;
}

/** The issuer format the stack reports (IssuerFormat, else read from IssuerUrl), or null for a stack that says neither. */
export function issuerFormat(outputs) {
  if (outputs.IssuerFormat === "ORIGINAL" || outputs.IssuerFormat === "UPDATED") return outputs.IssuerFormat;
  return outputs.IssuerUrl === undefined ? null : issuerFormatOf(outputs.IssuerUrl, outputs.UserPoolId);
}

/** How MyBFF gets its token: Cognito's token endpoint, or the user pools API operation GetClientToken. */
export const TOKEN_SOURCES = ["token-endpoint", "get-client-token"];

/**
 * The settings each worker's config gets from the stack outputs (and the KV namespace id,
 * when given), for MyBFF's token source.
 */
export function settingsFor(outputs, kvNamespaceId, tokenSource = "token-endpoint") {
  if (kvNamespaceId !== undefined && !/^[0-9a-f]{32}$/.test(kvNamespaceId)) {
    throw new Error("--kv-namespace-id must be the 32-hex-digit id `npx wrangler kv namespace create` printed");
  }
  if (!TOKEN_SOURCES.includes(tokenSource)) throw new Error(`--token-source must be ${TOKEN_SOURCES.join(" or ")}`);
  const viaGetClientToken = tokenSource === "get-client-token";
  return {
    service: {
      "vars.COGNITO_USER_POOL_ID": outputs.UserPoolId,
      // Set exactly one of the two: the pool id derives both issuer formats.
      "vars.COGNITO_ISSUER": "",
      "vars.COGNITO_ALLOWED_CLIENT_IDS": outputs.MyBFFClientId,
      "vars.COGNITO_TOKEN_URL": outputs.TokenEndpointUrl,
    },
    bff: {
      // One source or the other, never both (an empty value is "not set").
      "vars.AUTH_SERVER_TOKEN_ENDPOINT_URL": viaGetClientToken ? "" : outputs.TokenEndpointUrl,
      "vars.COGNITO_USER_POOL_ID": viaGetClientToken ? outputs.UserPoolId : "",
      "vars.AUTH_SERVER_MYBFF_CLIENT_ID": outputs.MyBFFClientId,
      ...(kvNamespaceId ? { "kv_namespaces.id": kvNamespaceId } : {}),
    },
  };
}

/**
 * The client secret from `aws cognito-idp describe-user-pool-client` output, checked against
 * the stack's client; for GetClientToken the client must have ALLOW_CLIENT_TOKEN_AUTH
 * (AWS, "GetClientToken", https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetClientToken.html).
 */
export function clientSecret(describeClient, clientId, tokenSource = "token-endpoint") {
  const client = describeClient?.UserPoolClient;
  if (!client) throw new Error("the client file has no UserPoolClient: pass the output of aws cognito-idp describe-user-pool-client");
  if (client.ClientId !== clientId)
    throw new Error(`the client file describes ${client.ClientId}, not the stack's MyBFF client ${clientId}`);
  if (typeof client.ClientSecret !== "string" || client.ClientSecret === "")
    throw new Error("the client has no ClientSecret (GenerateSecret: true?)");
  const flows = Array.isArray(client.ExplicitAuthFlows) ? client.ExplicitAuthFlows : [];
  if (tokenSource === "get-client-token" && !flows.includes("ALLOW_CLIENT_TOKEN_AUTH")) {
    throw new Error(
      `the client's ExplicitAuthFlows (${flows.join(", ") || "none"}) lack ALLOW_CLIENT_TOKEN_AUTH, which GetClientToken needs: deploy the current infra/cognito.yaml, or use --token-source token-endpoint`,
    );
  }
  return client.ClientSecret;
}

function putSecret(secret, configPath) {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "secret", "put", "AUTH_SERVER_MYBFF_CLIENT_SECRET", "-c", configPath],
    { cwd: ROOT, input: secret, env: { ...process.env, ...WRANGLER_ENV }, encoding: "utf8" },
  );
  return result.status === 0;
}

if (process.argv[1] === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      "stack-outputs": { type: "string" },
      client: { type: "string" },
      "kv-namespace-id": { type: "string" },
      config: { type: "string", default: join(ROOT, "wrangler.toml") },
      "bff-config": { type: "string", default: join(ROOT, "workers/bff/wrangler.toml") },
      "no-secret": { type: "boolean", default: false },
      "token-source": { type: "string", default: "token-endpoint" },
    },
  });
  try {
    if (!values["stack-outputs"])
      throw new Error("--stack-outputs <file|-> is required (aws cloudformation describe-stacks --stack-name <name>)");
    const outputs = stackOutputs(readJson(values["stack-outputs"], "the stack outputs"));
    const tokenSource = values["token-source"];
    const settings = settingsFor(outputs, values["kv-namespace-id"], tokenSource);
    // Every input is checked before anything is written: a bad file changes nothing.
    let secret = null;
    if (!values["no-secret"]) {
      if (!values.client)
        throw new Error("--client <file> is required for the secret (aws cognito-idp describe-user-pool-client ...), or pass --no-secret");
      secret = clientSecret(readJson(values.client, "the client"), outputs.MyBFFClientId, tokenSource);
    }
    const configs = { service: values.config, bff: values["bff-config"] };
    for (const worker of ["service", "bff"]) {
      // A wrangler.toml from before COGNITO_USER_POOL_ID existed gets the line added.
      writeSettings(configs[worker], settings[worker], { addMissingVars: true });
      for (const [key, value] of Object.entries(settings[worker])) {
        // An emptied setting that was never in the file stays absent.
        if (value !== "" || readSettings(configs[worker])[key] !== undefined) console.log(`${configs[worker]}: set ${key} = "${value}"`);
      }
    }
    console.log(
      tokenSource === "get-client-token"
        ? `MyBFF gets its token from GetClientToken of the pool ${outputs.UserPoolId} (COGNITO_USER_POOL_ID; no domain needed)`
        : `MyBFF gets its token from the token endpoint ${outputs.TokenEndpointUrl} (AUTH_SERVER_TOKEN_ENDPOINT_URL)`,
    );
    const format = issuerFormat(outputs);
    console.log(
      `the pool ${outputs.UserPoolId} issues tokens in the ${format ?? "(unreported)"} issuer format${outputs.IssuerUrl ? ` (iss ${outputs.IssuerUrl})` : ""}; MyService accepts both formats of the pool`,
    );
    if (!values["kv-namespace-id"]) {
      console.log(
        "KV namespace id unchanged: create one with `npx wrangler kv namespace create TOKEN_CACHE` and pass --kv-namespace-id <id>",
      );
    }
    if (secret !== null) {
      if (putSecret(secret, configs.bff)) {
        markSecretSet(configs.bff);
        console.log("set the secret AUTH_SERVER_MYBFF_CLIENT_SECRET of mybff");
      } else {
        markSecretNotSet(configs.bff);
        console.error(
          `npm run configure: the configs are written, but the secret AUTH_SERVER_MYBFF_CLIENT_SECRET is NOT set (not logged in to Cloudflare?): run \`npx wrangler login\`, then \`${SECRET_COMMAND}\` and paste the ClientSecret of the client file. npm run deploy refuses until it is set.`,
        );
        process.exit(1);
      }
    }
  } catch (error) {
    console.error(`npm run configure: ${error.message}`);
    process.exit(2);
  }
}
