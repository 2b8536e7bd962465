// `npm run dev`'s settings: on cognito-local (the default) or, with COGNITO=real, on the
// real user pool the wrangler configs name, with MyBFF's secret from workers/bff/.dev.vars
// (scripts/dev-real-pool.mjs). What can be checked without AWS: what makes the configs
// ready or not, the issuer line, and that scripts/dev.mjs refuses before starting anything.
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { settingsFor, stackOutputs } from "../../scripts/deploy/configure.mjs";
import { writeSettings } from "../../scripts/deploy/wrangler-toml.mjs";
import { realPoolIssuerLine, realPoolPaths, realPoolProblems } from "../../scripts/dev-real-pool.mjs";
import { DEV_CLIENT_SECRET } from "../../scripts/dev-settings.mjs";

const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures", "aws");
const run = promisify(execFile);

let dir: string;
let paths: { service: string; bff: string; bffDevVars: string };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dev-settings-"));
  paths = { service: join(dir, "wrangler.toml"), bff: join(dir, "bff-wrangler.toml"), bffDevVars: join(dir, ".dev.vars") };
  copyFileSync(join(ROOT, "wrangler.toml"), paths.service);
  copyFileSync(join(ROOT, "workers/bff/wrangler.toml"), paths.bff);
  copyFileSync(join(ROOT, "workers/bff/.dev.vars.example"), paths.bffDevVars);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The configs as `npm run configure` leaves them for the recorded stack (no KV id: dev keeps KV locally). */
function configure(tokenSource: "token-endpoint" | "get-client-token" = "token-endpoint") {
  const outputs = stackOutputs(JSON.parse(readFileSync(join(FIXTURES, "describe-stacks.json"), "utf8")));
  const settings = settingsFor(outputs, undefined, tokenSource);
  writeSettings(paths.service, settings.service, { addMissingVars: true });
  writeSettings(paths.bff, settings.bff, { addMissingVars: true });
  return outputs as Record<string, string>;
}

function devScript(env: Record<string, string>) {
  return run(process.execPath, [join(ROOT, "scripts", "dev.mjs")], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 30_000 })
    .then(({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }))
    .catch((error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, out: error.stdout + error.stderr }));
}

describe("COGNITO=real: the real user pool of the wrangler configs", () => {
  it("is not ready on the configs as cloned: each local value and the dev-only secret named", () => {
    const problems = realPoolProblems(paths);
    for (const key of [
      "vars.COGNITO_ISSUER",
      "vars.COGNITO_TOKEN_URL",
      "bff:vars.AUTH_SERVER_TOKEN_ENDPOINT_URL",
      "bff:vars.AUTH_SERVER_MYBFF_CLIENT_ID",
    ]) {
      expect(problems.some((p) => p.startsWith(key))).toBe(true);
    }
    expect(problems.some((p) => p.includes("dev-only secret"))).toBe(true);
    expect(problems.join("\n")).not.toContain(DEV_CLIENT_SECRET);
  });

  it("is ready once configured and .dev.vars holds the real secret; the KV id does not matter locally", () => {
    configure();
    expect(realPoolProblems(paths)).toEqual([expect.stringContaining("dev-only secret")]);
    writeFileSync(paths.bffDevVars, 'AUTH_SERVER_MYBFF_CLIENT_SECRET="a-real-secret-from-cognito"\n');
    expect(realPoolProblems(paths)).toEqual([]);
    writeFileSync(paths.bffDevVars, "# nothing yet\n");
    expect(realPoolProblems(paths)).toEqual([expect.stringContaining("AUTH_SERVER_MYBFF_CLIENT_SECRET is not set")]);
  });

  it("says in one line whose tokens MyService accepts and where MyBFF gets its own, from the configs", () => {
    const outputs = configure();
    const line = realPoolIssuerLine(paths);
    expect(line).not.toContain("\n");
    expect(line).toContain(`the issuers of the pool ${outputs.UserPoolId}`);
    expect(line).toContain(`MyBFF gets its token from ${outputs.TokenEndpointUrl}`);
    configure("get-client-token");
    expect(realPoolIssuerLine(paths)).toContain(`GetClientToken of the pool ${outputs.UserPoolId}`);
  });

  it("finds the configs and MyBFF's .dev.vars where wrangler dev reads them", () => {
    expect(realPoolPaths(ROOT)).toEqual({
      service: join(ROOT, "wrangler.toml"),
      bff: join(ROOT, "workers/bff/wrangler.toml"),
      bffDevVars: join(ROOT, "workers/bff/.dev.vars"),
    });
  });
});

describe("scripts/dev.mjs (what npm run dev runs)", () => {
  it("with COGNITO=real on the local configs, lists what is not ready and starts nothing", async () => {
    const { code, out } = await devScript({ COGNITO: "real", SERVICE_PORT: "23787", BFF_PORT: "23788" });
    expect(code).toBe(2);
    expect(out).toContain("COGNITO=real npm run dev: not ready for a real user pool:");
    expect(out).toContain("vars.COGNITO_ISSUER");
    expect(out).not.toMatch(/\[(service|bff)\]/);
  });

  it("refuses a COGNITO it does not know", async () => {
    const { code, out } = await devScript({ COGNITO: "aws" });
    expect(code).toBe(2);
    expect(out).toContain('COGNITO must be local or real, got "aws"');
  });
});
