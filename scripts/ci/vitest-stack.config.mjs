// The stack and browser test files (the `stack` project of vitest.config.ts) with no
// global setup: vitest.config.ts bundles every worker before any test, which would
// hide a command that needs a bundle nobody built. The fresh-clone check runs the
// walkthrough test with this config; the browser-skip test runs the browser files
// with it (nothing of theirs needs a bundle).
// Usage: npx vitest run -c scripts/ci/vitest-stack.config.mjs <test files>
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: join(import.meta.dirname, "..", ".."),
  test: {
    include: ["test/stack/**/*.test.ts", "test/browser/**/*.test.ts"],
    environment: "node",
    silent: "passed-only",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
