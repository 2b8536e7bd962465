// A Node older than the project needs gets one line saying which it needs (issue 31):
// from `npm install` (engine-strict) and from the commands that start wrangler or vitest.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeVersionProblem, REQUIRED_NODE } from "#scripts/check-node.mjs";

const ROOT = join(import.meta.dirname, "..", "..");
const packageJson = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

describe("the Node version check", () => {
  it("refuses a Node older than 22.12 in one line naming both versions", () => {
    for (const version of ["20.20.2", "22.11.0", "18.20.8"]) {
      const problem = nodeVersionProblem(version);
      expect(problem, version).toContain(`Node.js ${REQUIRED_NODE} or later`);
      expect(problem, version).toContain(version);
      expect(problem, version).not.toContain("\n");
    }
  });

  it("accepts 22.12 and later", () => {
    for (const version of ["22.12.0", "22.23.5", "24.0.0", "26.1.0"]) expect(nodeVersionProblem(version), version).toBeUndefined();
  });

  it("is what engines says, in both package.json files, and npm install enforces it", () => {
    const library = JSON.parse(readFileSync(join(ROOT, "shared/package.json"), "utf8"));
    expect(packageJson.engines.node).toBe(`>=${REQUIRED_NODE}`);
    expect(library.engines.node).toBe(`>=${REQUIRED_NODE}`);
    expect(readFileSync(join(ROOT, ".npmrc"), "utf8")).toMatch(/^engine-strict=true$/m);
  });

  it("runs before every command that starts wrangler or vitest", () => {
    for (const script of ["dev", "test", "test:lib", "bench", "reliability"]) {
      expect(packageJson.scripts[`pre${script}`], script).toMatch(/^node scripts\/check-node\.mjs(\s|$)/);
    }
  });

  // The machines here have Node 20 system-wide; elsewhere there may be no old Node to try.
  const oldNode = "/usr/bin/node";
  const oldEnough =
    existsSync(oldNode) && nodeVersionProblem(spawnSync(oldNode, ["-p", "process.versions.node"], { encoding: "utf8" }).stdout.trim());
  it.skipIf(!oldEnough)("stops an old Node with that line and exit code 1", () => {
    const run = spawnSync(oldNode, [join(ROOT, "scripts/check-node.mjs")], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(`needs Node.js ${REQUIRED_NODE} or later`);
  });
});
