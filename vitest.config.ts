import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { COMPATIBILITY_DATE, devServiceVars } from "./scripts/dev-settings.mjs";
import { COGNITO_LOCAL_WORKER_NAME, cognitoLocalWorker } from "./test/support/cognito-local-worker.ts";

export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    // vitest's default is one worker less than the cores: 1 on a 2-core machine. Most
    // files wait on workerd processes and timers rather than on the CPU, so three run
    // side by side, and the whole run ends sooner.
    maxWorkers: 3,
    // Worker logs are shown for failing tests only.
    silent: "passed-only",
    projects: [
      {
        plugins: [
          // A function: read when the pool starts, after test/global-setup.ts built cognito-local.
          cloudflareTest(() => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // The local stack's settings, whatever wrangler.toml holds (see scripts/dev-settings.mjs).
              bindings: devServiceVars("http://127.0.0.1:8789"),
              outboundService: COGNITO_LOCAL_WORKER_NAME,
              workers: [cognitoLocalWorker()],
            },
          })),
        ],
        test: { name: "service", include: ["workers/service/test/**/*.test.ts"] },
      },
      {
        // The shared library alone, inside workerd: no worker, no network.
        plugins: [
          cloudflareTest({
            miniflare: {
              // The date alone: the plugin's test runner needs Node.js compatibility (it
              // imports node:inspector). That the library imports nothing from Node is
              // checked on its sources (test/package/source-boundaries.test.ts).
              compatibilityDate: COMPATIBILITY_DATE,
              kvNamespaces: ["TEST_KV"],
              bindings: { FUZZ_RUNS: process.env.FUZZ_RUNS ?? "" },
            },
          }),
        ],
        test: { name: "shared", include: ["test/shared/**/*.test.ts"] },
      },
      {
        // The same library tests in Node, for "runs wherever the Web APIs do": Node's
        // WebCrypto and its atob path of base64url (test/node). `cloudflare:test` is a
        // stand-in there with the shared project's bindings and an in-memory KV.
        resolve: { alias: { "cloudflare:test": fileURLToPath(new URL("./test/node/cloudflare-test.ts", import.meta.url)) } },
        test: {
          name: "shared-node",
          environment: "node",
          include: [
            "test/shared/jwt/**/*.test.ts",
            "test/shared/jwks/**/*.test.ts",
            "test/shared/cognito/**/*.test.ts",
            "test/shared/hono/**/*.test.ts",
            "test/shared/client-credentials/**/*.test.ts",
            "test/shared/log.test.ts",
            "test/node/**/*.test.ts",
          ],
        },
      },
      {
        test: {
          name: "cognito-local",
          include: ["workers/cognito-local/test/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "tools",
          include: ["test/deploy/**/*.test.ts", "test/package/**/*.test.ts", "test/scripts/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
        },
      },
      {
        test: {
          // MyBFF with the rest of the system in one Miniflare: several isolates, faults.
          name: "bff",
          include: ["workers/bff/test/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
        },
      },
      {
        test: {
          // The library against an OAuth 2.0 server nobody here wrote: oidc-provider in
          // this Node process on 127.0.0.1 (test/interop/oidc-provider-issuer.ts).
          name: "interop",
          include: ["test/interop/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
        },
      },
      {
        test: {
          // Each file starts the real stack (three wrangler dev processes): one file at a
          // time, so that a 2-core machine is not running nine of them at once.
          name: "stack",
          include: ["test/stack/**/*.test.ts", "test/browser/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
