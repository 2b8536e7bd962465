// The package as a user gets it: `npm pack` of shared/, the tarball installed into a
// fresh project (no workspace link, no source tree), a Worker there that uses every
// entry point, type-checked against the published declarations, built by wrangler
// and run in workerd, answering with a token from cognito-local.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_CLIENT_ID, DEV_POOL_ID, WORKERS_RUNTIME } from "../../scripts/dev-settings.mjs";
import { WRANGLER_ENV } from "../../scripts/local-stack.mjs";
import { DEV_SECRET } from "../support/cognito-local";
import { cognitoLocalWorker } from "../support/cognito-local-worker";

const ROOT = join(import.meta.dirname, "..", "..");
const rootPackage = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });

let project: string;
let tarball: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "edge-cc-auth-consumer-"));
  const output = JSON.parse(npm(["pack", "--workspace", "shared", "--json", "--pack-destination", project], ROOT));
  tarball = join(project, output[0].filename);
  cpSync(join(import.meta.dirname, "consumer"), project, { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  // The peers at the versions this repository tests; from npm's cache when it has them.
  npm(
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      tarball,
      `hono@${rootPackage.dependencies.hono}`,
      `@hono/zod-openapi@${rootPackage.dependencies["@hono/zod-openapi"]}`,
    ],
    project,
  );
}, 180_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("the packed edge-cc-auth", () => {
  it("ships the built entry points, their declarations, README, CHANGELOG and LICENSE, and no sources or tests", () => {
    const installed = join(project, "node_modules", "edge-cc-auth");
    const files = readdirSync(installed, { recursive: true }).map(String);
    const entries = ["index", "hono/index", "openapi/index", "client-credentials/index", "token-coordinator/index"];
    for (const entry of entries.map((name) => `dist/${name}.js`)) {
      expect(files).toContain(entry);
      expect(files).toContain(entry.replace(/\.js$/, ".d.ts"));
    }
    expect(files).toEqual(expect.arrayContaining(["README.md", "CHANGELOG.md", "LICENSE", "package.json"]));
    // The MIT licence of the repository, word for word.
    expect(readFileSync(join(installed, "LICENSE"), "utf8")).toBe(readFileSync(join(ROOT, "LICENSE"), "utf8"));
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(readFileSync(join(project, "package-lock.json"), "utf8")).toContain(`"resolved": "file:`);
  });

  it("type-checks a consumer against its declarations, with Web API types only", () => {
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    expect(() => execFileSync(process.execPath, [tsc, "-p", join(project, "tsconfig.json")], { encoding: "utf8" })).not.toThrow();
  });

  it("builds with wrangler and answers in workerd with a token from cognito-local", async () => {
    const outdir = join(project, "dist");
    execFileSync(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outdir], {
      cwd: project,
      env: { ...process.env, ...WRANGLER_ENV, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const cognito = cognitoLocalWorker();
    const mf = new Miniflare({
      workers: [
        {
          name: "consumer",
          modules: true,
          scriptPath: join(outdir, "index.js"),
          modulesRoot: outdir, // the bundle lives outside this repository
          ...WORKERS_RUNTIME,
          kvNamespaces: ["TOKENS"],
          bindings: {
            ISSUER: `http://127.0.0.1:8789/${DEV_POOL_ID}`,
            TOKEN_ENDPOINT: "http://127.0.0.1:8789/oauth2/token",
            CLIENT_ID: DEV_CLIENT_ID,
            CLIENT_SECRET: DEV_SECRET,
          },
          outboundService: cognito.name,
        },
        cognito,
      ],
    });
    try {
      const response = await mf.dispatchFetch("http://consumer.example/");
      const body = await response.json();
      expect(response.status).toBe(200);
      expect(body).toEqual({
        tokenUse: "access",
        clientId: DEV_CLIENT_ID,
        hono: { status: 200, body: { client: DEV_CLIENT_ID } },
        openapi: { status: 200, body: { scopes: ["MyService/weather_read"] } },
        withoutToken: 401,
        forged: "SIGNATURE_INVALID",
      });
    } finally {
      await mf.dispose();
    }
  }, 120_000);
});
