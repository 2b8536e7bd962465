// The committed API report (shared/api/*.api.md) is the public surface of the built
// package: a change of any entry point's declarations fails here until the report is
// regenerated (`npm run build:lib && node scripts/api-report.mjs`) and reviewed.
import { execFile, execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const run = promisify(execFile);

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, "scripts/build-library.mjs")], { stdio: "pipe" });
}, 120_000);

describe("the API report", () => {
  it("has one report per entry point of the package", () => {
    const { exports } = JSON.parse(readFileSync(join(ROOT, "shared/package.json"), "utf8"));
    const reports = readdirSync(join(ROOT, "shared/api")).sort();
    const expected = Object.keys(exports)
      .filter((subpath) => subpath !== "./package.json")
      .map((subpath) => (subpath === "." ? "edge-cc-auth.api.md" : `edge-cc-auth-${subpath.slice(2)}.api.md`))
      .sort();
    expect(reports).toEqual(expected);
  });

  it("is what the built declarations give", async () => {
    await expect(run(process.execPath, [join(ROOT, "scripts/api-report.mjs"), "--check"], { cwd: ROOT })).resolves.toBeDefined();
  }, 120_000);

  it("names none of the internals that 0.3 exported", () => {
    const reports = readdirSync(join(ROOT, "shared/api")).map((file) => readFileSync(join(ROOT, "shared/api", file), "utf8"));
    const internals = [
      "algorithmParameters",
      "readRegisteredClaims",
      "checkTimeWindow",
      "numberOption",
      "readBearerToken",
      "EncryptedTokenStore",
      "tokenStoreKey",
      "requestToken",
      "parseRetryAfter",
      "TokenCoordinatorCore",
      "COORDINATOR_URL",
    ];
    for (const report of reports) {
      for (const name of internals) expect(report).not.toMatch(new RegExp(`\\b${name}\\b`));
    }
  });
});
