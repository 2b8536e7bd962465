// npm run configure on recorded AWS outputs (no AWS call), and the deploy guard that
// refuses a wrangler.toml still holding the local stack's values.
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { deployProblems } from "../../scripts/deploy/check-deploy-config.mjs";
import { readSettings, writeSettings } from "../../scripts/deploy/wrangler-toml.mjs";
import { COMPATIBILITY_DATE, COMPATIBILITY_FLAGS } from "../../scripts/dev-settings.mjs";

const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures", "aws");
const SECRET = JSON.parse(readFileSync(join(FIXTURES, "describe-user-pool-client.json"), "utf8")).UserPoolClient.ClientSecret as string;
const KV_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const run = promisify(execFile);

let dir: string;
let config: string;
let bffConfig: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "configure-"));
  config = join(dir, "wrangler.toml");
  bffConfig = join(dir, "bff-wrangler.toml");
  copyFileSync(join(ROOT, "wrangler.toml"), config);
  copyFileSync(join(ROOT, "workers/bff/wrangler.toml"), bffConfig);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Never logged in to Cloudflare: no API token, and a home of its own, so that a
// developer's own `wrangler login` is not found.
function npmScript(script: string, args: string[]) {
  const env = { ...process.env, CLOUDFLARE_API_TOKEN: "", HOME: dir, XDG_CONFIG_HOME: join(dir, ".config") };
  return run(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, env })
    .then(({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }))
    .catch((error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, out: error.stdout + error.stderr }));
}

/** The UPDATED stack's outputs with an IssuerUrl of another pool. */
function badIssuerOutputs(): string {
  const path = join(dir, "bad-issuer.json");
  writeFileSync(
    path,
    readFileSync(join(FIXTURES, "describe-stacks-updated.json"), "utf8").replace(
      "issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Qz8WmN3pL",
      "issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other1234",
    ),
  );
  return path;
}

/** MyService's wrangler.toml with these [vars] values, through the same writer configure uses. */
function serviceWith(values: Record<string, string>) {
  writeSettings(config, values, { addMissingVars: true });
}

const CONFIGURED = {
  "vars.COGNITO_ALLOWED_CLIENT_IDS": "4p3sl0b8d9q2h7k1m5n6r8t0vw",
  "vars.COGNITO_TOKEN_URL": "https://acme.auth.us-east-1.amazoncognito.com/oauth2/token",
};

describe("the deploy guard on MyService's issuer settings", () => {
  const serviceProblems = () => deployProblems({ service: config, bff: bffConfig }).filter((p) => !p.startsWith("bff:"));

  it.each([
    ["the pool id", { "vars.COGNITO_USER_POOL_ID": "us-east-1_Xy7AbC9dE", "vars.COGNITO_ISSUER": "" }],
    ["an ORIGINAL issuer", { "vars.COGNITO_ISSUER": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Xy7AbC9dE" }],
    ["an UPDATED issuer", { "vars.COGNITO_ISSUER": "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Qz8WmN3pL" }],
    [
      "both formats and a replica, as a list",
      {
        "vars.COGNITO_ISSUER":
          "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Xy7AbC9dE, https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Xy7AbC9dE,https://cognito-idp.us-west-2.amazonaws.com/us-east-1_Xy7AbC9dE",
      },
    ],
    [
      "the pool id with a format",
      {
        "vars.COGNITO_USER_POOL_ID": "us-east-1_Xy7AbC9dE",
        "vars.COGNITO_ISSUER": "",
        "vars.COGNITO_ISSUER_FORMAT": "ORIGINAL",
      },
    ],
  ])("accepts %s", (_, values) => {
    serviceWith({ ...CONFIGURED, ...values });
    expect(serviceProblems()).toEqual([]);
  });

  it.each([
    [
      "both the pool id and an issuer",
      {
        "vars.COGNITO_USER_POOL_ID": "us-east-1_Xy7AbC9dE",
        "vars.COGNITO_ISSUER": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Xy7AbC9dE",
      },
      "vars.COGNITO_USER_POOL_ID and vars.COGNITO_ISSUER are both set",
    ],
    [
      "neither",
      { "vars.COGNITO_USER_POOL_ID": "", "vars.COGNITO_ISSUER": "" },
      "vars.COGNITO_USER_POOL_ID and vars.COGNITO_ISSUER are both unset",
    ],
    [
      "cognito-local's pool id",
      { "vars.COGNITO_USER_POOL_ID": "us-east-1_toFGiuX5i", "vars.COGNITO_ISSUER": "" },
      "vars.COGNITO_USER_POOL_ID",
    ],
    [
      "a pool id that is not one",
      { "vars.COGNITO_USER_POOL_ID": "us-east-1-Xy7AbC9dE", "vars.COGNITO_ISSUER": "" },
      "vars.COGNITO_USER_POOL_ID",
    ],
    [
      "an issuer host of neither format",
      { "vars.COGNITO_ISSUER": "https://issuer.cognito-idp.us-east-1.amazonaws.com/us-east-1_Xy7AbC9dE" },
      "vars.COGNITO_ISSUER",
    ],
    [
      "a list with a loopback issuer",
      {
        "vars.COGNITO_ISSUER": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Xy7AbC9dE,http://127.0.0.1:8789/us-east-1_toFGiuX5i",
      },
      "vars.COGNITO_ISSUER",
    ],
    [
      "additional Regions, deprecated since replicas stamp the primary Region's issuer",
      { "vars.COGNITO_USER_POOL_ID": "us-east-1_Xy7AbC9dE", "vars.COGNITO_ISSUER": "", "vars.COGNITO_ADDITIONAL_REGIONS": "eu-west-1" },
      "vars.COGNITO_ADDITIONAL_REGIONS",
    ],
    [
      "a format that is not one",
      { "vars.COGNITO_USER_POOL_ID": "us-east-1_Xy7AbC9dE", "vars.COGNITO_ISSUER": "", "vars.COGNITO_ISSUER_FORMAT": "NEW" },
      "vars.COGNITO_ISSUER_FORMAT",
    ],
  ])("refuses %s, naming the setting", (_, values, key) => {
    serviceWith({ ...CONFIGURED, ...values });
    const problems = serviceProblems();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(key);
  });
});

describe("the deploy guard", () => {
  it("refuses the repository's wrangler.toml, naming each local value", () => {
    const problems = deployProblems({ service: config, bff: bffConfig });
    for (const key of [
      "vars.COGNITO_ISSUER",
      "vars.COGNITO_ALLOWED_CLIENT_IDS",
      "vars.COGNITO_TOKEN_URL",
      "bff:vars.AUTH_SERVER_TOKEN_ENDPOINT_URL",
      "bff:vars.AUTH_SERVER_MYBFF_CLIENT_ID",
      "bff:kv_namespaces.id",
    ]) {
      expect(problems.some((p) => p.startsWith(key))).toBe(true);
    }
  });

  it("npm run deploy stops before calling wrangler, with exit code 1", async () => {
    const { code, out } = await npmScript("scripts/deploy/deploy.mjs", ["--config", config, "--bff-config", bffConfig]);
    expect(code).toBe(1);
    expect(out).toContain("Not deploying");
  });
});

describe("npm run configure", () => {
  const args = () => [
    "--stack-outputs",
    join(FIXTURES, "describe-stacks.json"),
    "--client",
    join(FIXTURES, "describe-user-pool-client.json"),
    "--kv-namespace-id",
    KV_ID,
    "--config",
    config,
    "--bff-config",
    bffConfig,
  ];

  it("writes the stack outputs into wrangler.toml, keeping everything else", async () => {
    const before = { service: readFileSync(config, "utf8"), bff: readFileSync(bffConfig, "utf8") };
    const { code, out } = await npmScript("scripts/deploy/configure.mjs", [...args(), "--no-secret"]);
    expect(code).toBe(0);
    // A stack of the template before the format was pinned: ORIGINAL, read from IssuerUrl.
    expect(out).toContain("in the ORIGINAL issuer format");
    expect(readSettings(config)).toMatchObject({
      "vars.COGNITO_USER_POOL_ID": "us-east-1_Xy7AbC9dE",
      "vars.COGNITO_ISSUER": "",
      "vars.COGNITO_ALLOWED_CLIENT_IDS": "4p3sl0b8d9q2h7k1m5n6r8t0vw",
      "vars.COGNITO_TOKEN_URL": "https://acme-my-services.auth.us-east-1.amazoncognito.com/oauth2/token",
    });
    expect(readSettings(bffConfig)).toMatchObject({
      "vars.AUTH_SERVER_TOKEN_ENDPOINT_URL": "https://acme-my-services.auth.us-east-1.amazoncognito.com/oauth2/token",
      "vars.AUTH_SERVER_MYBFF_CLIENT_ID": "4p3sl0b8d9q2h7k1m5n6r8t0vw",
      "kv_namespaces.id": KV_ID,
      "vars.TOKEN_SCOPES": "MyService/weather_read",
    });
    const after = { service: readFileSync(config, "utf8"), bff: readFileSync(bffConfig, "utf8") };
    const changedLines = (worker: "service" | "bff") =>
      after[worker].split("\n").filter((line, i) => line !== before[worker].split("\n")[i]);
    expect(changedLines("service")).toHaveLength(4);
    expect(changedLines("bff")).toHaveLength(3);
    for (const worker of ["service", "bff"] as const) {
      const comments = (text: string) => text.split("\n").filter((l) => l.startsWith("#"));
      expect(comments(after[worker])).toEqual(comments(before[worker]));
      expect(after[worker]).not.toContain(SECRET);
    }
    expect(deployProblems({ service: config, bff: bffConfig })).toEqual([]);
    expect((await npmScript("scripts/deploy/deploy.mjs", ["--config", config, "--bff-config", bffConfig, "--check"])).code).toBe(0);
  });

  it("configures a pool on the UPDATED issuer format by its pool id, and the guard lets it deploy", async () => {
    const { code, out } = await npmScript("scripts/deploy/configure.mjs", [
      "--stack-outputs",
      join(FIXTURES, "describe-stacks-updated.json"),
      "--no-secret",
      "--kv-namespace-id",
      KV_ID,
      "--config",
      config,
      "--bff-config",
      bffConfig,
    ]);
    expect(code).toBe(0);
    expect(out).toContain("in the UPDATED issuer format (iss https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Qz8WmN3pL)");
    expect(readSettings(config)).toMatchObject({
      "vars.COGNITO_USER_POOL_ID": "eu-west-1_Qz8WmN3pL",
      "vars.COGNITO_ISSUER": "",
      "vars.COGNITO_TOKEN_URL": "https://acme-my-services-eu.auth.eu-west-1.amazoncognito.com/oauth2/token",
    });
    expect(deployProblems({ service: config, bff: bffConfig })).toEqual([]);
  });

  it("adds COGNITO_USER_POOL_ID to a wrangler.toml written before it existed", async () => {
    writeFileSync(config, readFileSync(config, "utf8").replace(/^COGNITO_USER_POOL_ID = "".*\n/m, ""));
    expect((readSettings(config) as Record<string, string>)["vars.COGNITO_USER_POOL_ID"]).toBeUndefined();
    const { code } = await npmScript("scripts/deploy/configure.mjs", [...args(), "--no-secret"]);
    expect(code).toBe(0);
    expect(readSettings(config)).toMatchObject({ "vars.COGNITO_USER_POOL_ID": "us-east-1_Xy7AbC9dE", "vars.COGNITO_ISSUER": "" });
    expect(deployProblems({ service: config, bff: bffConfig })).toEqual([]);
  });

  it("exits 1 when it cannot set the secret, printing the wrangler command, never the secret; deploy --check then refuses", async () => {
    const { code, out } = await npmScript("scripts/deploy/configure.mjs", args());
    expect(code).toBe(1);
    expect(out).toContain("is NOT set");
    expect(out).toContain("npx wrangler secret put AUTH_SERVER_MYBFF_CLIENT_SECRET -c workers/bff/wrangler.toml");
    expect(out).not.toContain(SECRET);
    // The configs are written all the same: only the secret is missing.
    expect(deployProblems({ service: config, bff: bffConfig })).toEqual([]);
    const check = await npmScript("scripts/deploy/deploy.mjs", ["--config", config, "--bff-config", bffConfig, "--check"]);
    expect(check.code).toBe(1);
    expect(check.out).toContain("could not set MyBFF's secret AUTH_SERVER_MYBFF_CLIENT_SECRET");
    expect(check.out).not.toContain("ready to deploy");
    // configure --no-secret leaves the secret alone: still not set, still refused.
    expect((await npmScript("scripts/deploy/configure.mjs", [...args(), "--no-secret"])).code).toBe(0);
    expect((await npmScript("scripts/deploy/deploy.mjs", ["--config", config, "--bff-config", bffConfig, "--check"])).code).toBe(1);
  }, 60_000);

  it("npm run deploy, not logged in to Cloudflare, stops before any upload and says to log in", async () => {
    expect((await npmScript("scripts/deploy/configure.mjs", [...args(), "--no-secret"])).code).toBe(0);
    const { code, out } = await npmScript("scripts/deploy/deploy.mjs", ["--config", config, "--bff-config", bffConfig]);
    expect(code).toBe(1);
    expect(out).toContain("Not deploying: wrangler could not read MyBFF's secrets");
    expect(out).toContain("npx wrangler login");
    expect(out).not.toMatch(/xdg-open|Total Upload|Uploaded|Deployed/);
  }, 60_000);

  it.each([
    [
      "stack outputs that are not describe-stacks output",
      ["--stack-outputs", join(FIXTURES, "describe-user-pool-client.json")],
      /Stacks\[0\]\.Outputs/,
    ],
    [
      "a client file of another client",
      ["--stack-outputs", join(FIXTURES, "describe-stacks.json"), "--client", join(ROOT, "package.json")],
      /UserPoolClient/,
    ],
    [
      "a KV id that is not one",
      ["--stack-outputs", join(FIXTURES, "describe-stacks.json"), "--kv-namespace-id", "abc", "--no-secret"],
      /32-hex-digit/,
    ],
    [
      "an IssuerUrl that is not an issuer of the stack's pool",
      ["--stack-outputs", "BAD_ISSUER", "--no-secret"],
      /IssuerUrl .* is not an issuer of the pool/,
    ],
  ])("refuses %s with a clear message and leaves both configs alone", async (_, given, message) => {
    const extra = given.map((arg) => (arg === "BAD_ISSUER" ? badIssuerOutputs() : arg));
    const before = [readFileSync(config, "utf8"), readFileSync(bffConfig, "utf8")];
    const { code, out } = await npmScript("scripts/deploy/configure.mjs", [...extra, "--config", config, "--bff-config", bffConfig]);
    expect(code).toBe(2);
    expect(out).toMatch(message);
    expect([readFileSync(config, "utf8"), readFileSync(bffConfig, "utf8")]).toEqual(before);
  });
});

describe("the GitHub workflow", () => {
  it("is valid YAML that tests, then deploys main with the pinned scripts, using only actions that exist", () => {
    const workflow = parse(readFileSync(join(ROOT, ".github/workflows/ci.yml"), "utf8"));
    expect(Object.keys(workflow.jobs)).toEqual(["test", "deploy"]);
    const steps = [...workflow.jobs.test.steps, ...workflow.jobs.deploy.steps];
    const uses = steps.filter((s: { uses?: string }) => s.uses).map((s: { uses: string }) => s.uses);
    expect(new Set(uses)).toEqual(new Set(["actions/checkout@v4", "actions/setup-node@v4"]));
    const commands = steps.map((s: { run?: string }) => s.run ?? "").join("\n");
    for (const command of ["npm ci", "npm run lint", "npm test", "npm run deploy -- --check", "npm run deploy"])
      expect(commands).toContain(command);
    expect(workflow.jobs.deploy.needs).toBe("test");
    // Tested on both supported LTS lines (22 and 24), deployed with the active one.
    expect(workflow.jobs.test.strategy.matrix.node).toEqual([22, 24]);
    const testNode = workflow.jobs.test.steps.find((s: { uses?: string }) => s.uses === "actions/setup-node@v4");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template literal
    expect(testNode.with["node-version"]).toBe("${{ matrix.node }}");
    const deployNode = workflow.jobs.deploy.steps.find((s: { uses?: string }) => s.uses === "actions/setup-node@v4");
    expect(deployNode.with["node-version"]).toBe(24);
    expect(workflow.jobs.deploy.if).toContain("refs/heads/main");
  });
});

describe("the worker configs", () => {
  it("share one compatibility date and Node.js compatibility off, as the tests use them", () => {
    const configs = [
      "wrangler.toml",
      "workers/bff/wrangler.toml",
      "workers/cognito-local/wrangler.toml",
      "bench/worker/wrangler.toml",
      "bench/service-twin/wrangler.toml",
      "bench/plain-worker/wrangler.toml",
      "test/package/consumer/wrangler.toml",
    ];
    for (const path of configs) {
      const config = readFileSync(join(ROOT, path), "utf8");
      expect(config, path).toContain(`compatibility_date = "${COMPATIBILITY_DATE}"`);
      expect(config, path).toContain(`compatibility_flags = ${JSON.stringify(COMPATIBILITY_FLAGS).replaceAll(",", ", ")}`);
    }
  });
});
