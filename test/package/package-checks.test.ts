// The published package's metadata, as the usual checkers read it: publint (the
// package.json fields and exports against the packed files) and arethetypeswrong
// (every entry point's types resolve for ESM consumers under node16 and bundler).
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const run = promisify(execFile);
const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);

describe("edge-cc-auth's package metadata", () => {
  it("passes publint", async () => {
    const { stdout } = await run(bin("publint"), ["shared"], { cwd: ROOT });
    expect(stdout).toContain("All good!");
  }, 120_000);

  it("passes arethetypeswrong for ESM consumers, every entry point", async () => {
    const { stdout } = await run(bin("attw"), ["--pack", "shared", "--profile", "esm-only", "--format", "json"], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    type Problem = { kind: string; entrypoint: string; resolutionKind?: string };
    const report = JSON.parse(stdout) as { analysis: { entrypoints: Record<string, unknown> }; problems: Record<string, Problem[]> };
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual([
      ".",
      "./client-credentials",
      "./hono",
      "./openapi",
      "./package.json",
      "./token-coordinator",
    ]);
    // The package is ESM only: CommonJS (node16-cjs) and pre-exports (node10) resolutions are out of scope.
    const esmProblems = Object.values(report.problems)
      .flat()
      .filter((p) => p.resolutionKind !== "node10" && p.resolutionKind !== "node16-cjs");
    expect(esmProblems).toEqual([]);
  }, 120_000);
});
