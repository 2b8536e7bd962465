import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    // Worker logs are shown for failing tests only.
    silent: "passed-only",
    projects: [
      {
        test: {
          name: "cognito-local",
          include: ["workers/cognito-local/test/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "stack",
          include: ["test/stack/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
