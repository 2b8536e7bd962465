// npm run configure on recorded AWS outputs (no AWS call), and the deploy guard that
// refuses a wrangler.toml still holding the local stack's values.
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { deployProblems } from "../../scripts/deploy/check-deploy-config.mjs";
import { readSettings } from "../../scripts/deploy/wrangler-toml.mjs";

const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures", "aws");
const SECRET = JSON.parse(readFileSync(join(FIXTURES, "describe-user-pool-client.json"), "utf8")).UserPoolClient.ClientSecret as string;
const KV_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const run = promisify(execFile);

let dir: string;
let config: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "configure-"));
  config = join(dir, "wrangler.toml");
  copyFileSync(join(ROOT, "wrangler.toml"), config);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function npmScript(script: string, args: string[]) {
  return run(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, env: { ...process.env, CLOUDFLARE_API_TOKEN: "" } })
    .then(({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }))
    .catch((error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, out: error.stdout + error.stderr }));
}

describe("the deploy guard", () => {
  it("refuses the repository's wrangler.toml, naming each local value", () => {
    const problems = deployProblems(config);
    for (const key of [
      "vars.COGNITO_ISSUER", "vars.COGNITO_ALLOWED_CLIENT_IDS", "vars.COGNITO_TOKEN_URL",
      "env.bff.vars.AUTH_SERVER_TOKEN_ENDPOINT_URL", "env.bff.vars.AUTH_SERVER_MYBFF_CLIENT_ID", "env.bff.kv_namespaces.id",
    ]) {
      expect(problems.some((p) => p.startsWith(key))).toBe(true);
    }
  });

  it("npm run deploy stops before calling wrangler, with exit code 1", async () => {
    const { code, out } = await npmScript("scripts/deploy/deploy.mjs", ["--config", config]);
    expect(code).toBe(1);
    expect(out).toContain("Not deploying");
  });
});

describe("npm run configure", () => {
  const args = () => [
    "--stack-outputs", join(FIXTURES, "describe-stacks.json"),
    "--client", join(FIXTURES, "describe-user-pool-client.json"),
    "--kv-namespace-id", KV_ID,
    "--config", config,
  ];

  it("writes the stack outputs into wrangler.toml, keeping everything else", async () => {
    const before = readFileSync(config, "utf8");
    const { code } = await npmScript("scripts/deploy/configure.mjs", [...args(), "--no-secret"]);
    expect(code).toBe(0);
    expect(readSettings(config)).toMatchObject({
      "vars.COGNITO_ISSUER": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Xy7AbC9dE",
      "vars.COGNITO_ALLOWED_CLIENT_IDS": "4p3sl0b8d9q2h7k1m5n6r8t0vw",
      "vars.COGNITO_TOKEN_URL": "https://acme-my-services.auth.us-east-1.amazoncognito.com/oauth2/token",
      "env.bff.vars.AUTH_SERVER_TOKEN_ENDPOINT_URL": "https://acme-my-services.auth.us-east-1.amazoncognito.com/oauth2/token",
      "env.bff.vars.AUTH_SERVER_MYBFF_CLIENT_ID": "4p3sl0b8d9q2h7k1m5n6r8t0vw",
      "env.bff.kv_namespaces.id": KV_ID,
      "env.bff.vars.TOKEN_SCOPES": "MyService/weather_read",
    });
    const after = readFileSync(config, "utf8");
    const changed = after.split("\n").filter((line, i) => line !== before.split("\n")[i]);
    expect(changed).toHaveLength(6);
    expect(after.split("\n").filter((l) => l.startsWith("#"))).toEqual(before.split("\n").filter((l) => l.startsWith("#")));
    expect(after).not.toContain(SECRET);
    expect(deployProblems(config)).toEqual([]);
    expect((await npmScript("scripts/deploy/deploy.mjs", ["--config", config, "--check"])).code).toBe(0);
  });

  it("prints the wrangler command for the secret when it cannot set it, never the secret", async () => {
    const { code, out } = await npmScript("scripts/deploy/configure.mjs", args());
    expect(code).toBe(0);
    expect(out).toContain("npx wrangler secret put AUTH_SERVER_MYBFF_CLIENT_SECRET --env bff");
    expect(out).not.toContain(SECRET);
  }, 60_000);

  it.each([
    ["stack outputs that are not describe-stacks output", ["--stack-outputs", join(FIXTURES, "describe-user-pool-client.json")], /Stacks\[0\]\.Outputs/],
    ["a client file of another client", ["--stack-outputs", join(FIXTURES, "describe-stacks.json"), "--client", join(ROOT, "package.json")], /UserPoolClient/],
    ["a KV id that is not one", ["--stack-outputs", join(FIXTURES, "describe-stacks.json"), "--kv-namespace-id", "abc", "--no-secret"], /32-hex-digit/],
  ])("refuses %s with a clear message and leaves wrangler.toml alone", async (_, extra, message) => {
    const before = readFileSync(config, "utf8");
    const { code, out } = await npmScript("scripts/deploy/configure.mjs", [...extra, "--config", config]);
    expect(code).toBe(2);
    expect(out).toMatch(message);
    expect(readFileSync(config, "utf8")).toBe(before);
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
    for (const command of ["npm ci", "npm test", "npm run deploy -- --check", "npm run deploy"]) expect(commands).toContain(command);
    expect(workflow.jobs.deploy.needs).toBe("test");
    expect(workflow.jobs.deploy.if).toContain("refs/heads/main");
  });
});
