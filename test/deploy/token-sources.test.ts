// MyBFF's two token sources through `npm run configure` and `npm run deploy -- --check`,
// on recorded AWS outputs (no AWS call): the token endpoint (AUTH_SERVER_TOKEN_ENDPOINT_URL)
// or GetClientToken of the pool (COGNITO_USER_POOL_ID of MyBFF), one or the other, never both.
// AWS, "GetClientToken" (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetClientToken.html):
// the app client needs a secret and the ALLOW_CLIENT_TOKEN_AUTH flow, as its only explicit auth flow.
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deployProblems } from "../../scripts/deploy/check-deploy-config.mjs";
import { readSettings, writeSettings } from "../../scripts/deploy/wrangler-toml.mjs";
import { parseCloudFormationYaml } from "../../workers/cognito-local/src/template/cloudformation-yaml.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures", "aws");
const STACK = join(FIXTURES, "describe-stacks-client-token.json");
const CLIENT = join(FIXTURES, "describe-user-pool-client-client-token.json");
/** A client of the template before ALLOW_CLIENT_TOKEN_AUTH (ExplicitAuthFlows: ALLOW_REFRESH_TOKEN_AUTH). */
const OLD_CLIENT = join(FIXTURES, "describe-user-pool-client.json");
const POOL_ID = "eu-central-1_Mk4TqZ8rB";
const TOKEN_URL = "https://acme-my-services-fra.auth.eu-central-1.amazoncognito.com/oauth2/token";
const KV_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const run = promisify(execFile);

let dir: string;
let config: string;
let bffConfig: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "token-sources-"));
  config = join(dir, "wrangler.toml");
  bffConfig = join(dir, "bff-wrangler.toml");
  copyFileSync(join(ROOT, "wrangler.toml"), config);
  copyFileSync(join(ROOT, "workers/bff/wrangler.toml"), bffConfig);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, args: string[]) {
  return run(process.execPath, [join(ROOT, "scripts/deploy", name), ...args, "--config", config, "--bff-config", bffConfig], {
    cwd: ROOT,
    // Never logged in to Cloudflare, whatever the developer's own login.
    env: { ...process.env, CLOUDFLARE_API_TOKEN: "", HOME: dir, XDG_CONFIG_HOME: join(dir, ".config") },
  })
    .then(({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }))
    .catch((error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, out: error.stdout + error.stderr }));
}

const configure = (...args: string[]) => script("configure.mjs", ["--stack-outputs", STACK, "--kv-namespace-id", KV_ID, ...args]);
const bff = () => readSettings(bffConfig) as Record<string, string | undefined>;
const bffProblems = () => deployProblems({ service: config, bff: bffConfig }).filter((p) => p.startsWith("bff:"));

describe("npm run configure and MyBFF's token source", () => {
  it("writes COGNITO_USER_POOL_ID for GetClientToken, empties the token endpoint, and the deploy check passes", async () => {
    const { code, out } = await configure("--token-source", "get-client-token", "--no-secret");
    expect(code).toBe(0);
    expect(out).toContain(`MyBFF gets its token from GetClientToken of the pool ${POOL_ID}`);
    expect(bff()).toMatchObject({
      "vars.COGNITO_USER_POOL_ID": POOL_ID,
      "vars.AUTH_SERVER_TOKEN_ENDPOINT_URL": "",
      "vars.AUTH_SERVER_MYBFF_CLIENT_ID": "7f2kq9d1m3n5p8r0s2t4v6x8z1",
    });
    // MyService is configured the same whichever source MyBFF uses.
    expect(readSettings(config)).toMatchObject({ "vars.COGNITO_USER_POOL_ID": POOL_ID, "vars.COGNITO_TOKEN_URL": TOKEN_URL });
    expect(deployProblems({ service: config, bff: bffConfig })).toEqual([]);
    expect((await script("deploy.mjs", ["--check"])).code).toBe(0);
  });

  it("writes the token endpoint by default, and no COGNITO_USER_POOL_ID for MyBFF", async () => {
    const { code, out } = await configure("--no-secret");
    expect(code).toBe(0);
    expect(out).toContain(`MyBFF gets its token from the token endpoint ${TOKEN_URL}`);
    expect(bff()["vars.AUTH_SERVER_TOKEN_ENDPOINT_URL"]).toBe(TOKEN_URL);
    expect(bff()["vars.COGNITO_USER_POOL_ID"]).toBeUndefined();
    expect((await script("deploy.mjs", ["--check"])).code).toBe(0);
  });

  it("switches from one source to the other without ever leaving both set", async () => {
    await configure("--token-source", "get-client-token", "--no-secret");
    expect((await configure("--token-source", "token-endpoint", "--no-secret")).code).toBe(0);
    expect(bff()).toMatchObject({ "vars.AUTH_SERVER_TOKEN_ENDPOINT_URL": TOKEN_URL, "vars.COGNITO_USER_POOL_ID": "" });
    expect(bffProblems()).toEqual([]);
    expect((await configure("--token-source", "get-client-token", "--no-secret")).code).toBe(0);
    expect(bff()).toMatchObject({ "vars.AUTH_SERVER_TOKEN_ENDPOINT_URL": "", "vars.COGNITO_USER_POOL_ID": POOL_ID });
    expect(bffProblems()).toEqual([]);
  });

  it("refuses GetClientToken for a client without ALLOW_CLIENT_TOKEN_AUTH, naming the flow, and changes nothing", async () => {
    const before = [readFileSync(config, "utf8"), readFileSync(bffConfig, "utf8")];
    const oldStack = join(FIXTURES, "describe-stacks.json");
    const { code, out } = await script("configure.mjs", [
      "--stack-outputs",
      oldStack,
      "--client",
      OLD_CLIENT,
      "--token-source",
      "get-client-token",
    ]);
    expect(code).toBe(2);
    expect(out).toContain("lack ALLOW_CLIENT_TOKEN_AUTH");
    expect([readFileSync(config, "utf8"), readFileSync(bffConfig, "utf8")]).toEqual(before);
  });

  it("accepts the current template's client for GetClientToken (checked before the secret is set)", async () => {
    const { code, out } = await configure("--client", CLIENT, "--token-source", "get-client-token");
    // Accepted and written; exit 1 only because the secret cannot be put here (no Cloudflare login).
    expect(code).toBe(1);
    expect(out).toContain("the secret AUTH_SERVER_MYBFF_CLIENT_SECRET is NOT set");
    expect(out).not.toContain("9z8y7x6w5v4u3t2s1r0qexamplesecretvalue1111111111def");
    expect(bff()["vars.COGNITO_USER_POOL_ID"]).toBe(POOL_ID);
  }, 60_000);

  it("refuses a token source it does not know", async () => {
    const { code, out } = await configure("--token-source", "password", "--no-secret");
    expect(code).toBe(2);
    expect(out).toContain("--token-source must be token-endpoint or get-client-token");
  });
});

describe("the deploy guard on MyBFF's token source", () => {
  const withBff = (values: Record<string, string>) => {
    writeSettings(
      bffConfig,
      { "kv_namespaces.id": KV_ID, "vars.AUTH_SERVER_MYBFF_CLIENT_ID": "7f2kq9d1m3n5p8r0s2t4v6x8z1", ...values },
      { addMissingVars: true },
    );
  };

  it.each([
    [
      "both sources",
      { "vars.AUTH_SERVER_TOKEN_ENDPOINT_URL": TOKEN_URL, "vars.COGNITO_USER_POOL_ID": POOL_ID },
      "bff:vars.AUTH_SERVER_TOKEN_ENDPOINT_URL and bff:vars.COGNITO_USER_POOL_ID are both set",
    ],
    ["neither source", { "vars.AUTH_SERVER_TOKEN_ENDPOINT_URL": "" }, "bff:vars.AUTH_SERVER_TOKEN_ENDPOINT_URL is not set"],
    [
      "cognito-local's pool id",
      { "vars.AUTH_SERVER_TOKEN_ENDPOINT_URL": "", "vars.COGNITO_USER_POOL_ID": "us-east-1_toFGiuX5i" },
      "bff:vars.COGNITO_USER_POOL_ID",
    ],
    [
      "a pool id that is not one",
      { "vars.AUTH_SERVER_TOKEN_ENDPOINT_URL": "", "vars.COGNITO_USER_POOL_ID": "https://cognito-idp.eu-central-1.amazonaws.com/" },
      "bff:vars.COGNITO_USER_POOL_ID",
    ],
    [
      "GetClientToken still sent to cognito-local (a loopback COGNITO_IDP_ENDPOINT_URL)",
      {
        "vars.AUTH_SERVER_TOKEN_ENDPOINT_URL": "",
        "vars.COGNITO_USER_POOL_ID": POOL_ID,
        "vars.COGNITO_IDP_ENDPOINT_URL": "http://127.0.0.1:8789/",
      },
      'bff:vars.COGNITO_IDP_ENDPOINT_URL = "http://127.0.0.1:8789/": is for cognito-local',
    ],
  ])("refuses %s, naming the settings", (_, values, message) => {
    withBff(values);
    const problems = bffProblems().filter((p) => !p.startsWith("bff:vars.MY_SERVICE_URL"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it("stops npm run deploy -- --check on a loopback COGNITO_IDP_ENDPOINT_URL, naming it", async () => {
    await configure("--token-source", "get-client-token", "--no-secret");
    withBff({ "vars.COGNITO_IDP_ENDPOINT_URL": "http://localhost:8789/" });
    const { code, out } = await script("deploy.mjs", ["--check"]);
    expect(code).not.toBe(0);
    expect(out).toContain("bff:vars.COGNITO_IDP_ENDPOINT_URL");
  });

  it.each([
    ["the token endpoint", { "vars.AUTH_SERVER_TOKEN_ENDPOINT_URL": TOKEN_URL }],
    ["GetClientToken", { "vars.AUTH_SERVER_TOKEN_ENDPOINT_URL": "", "vars.COGNITO_USER_POOL_ID": POOL_ID }],
  ])("accepts %s alone", (_, values) => {
    withBff(values);
    expect(bffProblems().filter((p) => !p.startsWith("bff:vars.MY_SERVICE_URL"))).toEqual([]);
  });
});

describe("infra/cognito.yaml for both sources", () => {
  const template = parseCloudFormationYaml(readFileSync(join(ROOT, "infra", "cognito.yaml"), "utf8")) as {
    Resources: Record<string, { Properties: Record<string, unknown> }>;
    Outputs: Record<string, unknown>;
  };

  it("gives MyBFF's client ALLOW_CLIENT_TOKEN_AUTH as its only explicit auth flow, beside client_credentials", () => {
    const client = template.Resources.MyBFFUserPoolClient!.Properties;
    expect(client.ExplicitAuthFlows).toEqual(["ALLOW_CLIENT_TOKEN_AUTH"]);
    expect(client.AllowedOAuthFlows).toEqual(["client_credentials"]);
    expect(client.GenerateSecret).toBe(true);
  });

  it("outputs what each source needs, and the recorded stack has every output configure reads", () => {
    for (const key of ["UserPoolId", "TokenEndpointUrl", "MyBFFClientId", "GetClientTokenEndpointUrl"])
      expect(template.Outputs).toHaveProperty(key);
    const recorded = JSON.parse(readFileSync(STACK, "utf8")).Stacks[0].Outputs.map((o: { OutputKey: string }) => o.OutputKey);
    expect(new Set(recorded)).toEqual(new Set(Object.keys(template.Outputs)));
  });
});
