// On a machine with no browser, `npm test` still passes: the browser suites are
// skipped, each test with the reason (which says how to get one), and nothing is
// started for them (the stack starts only after the browser). With REQUIRE_BROWSER=1 (what .ci/run sets) a missing browser
// fails them instead. Runs the other browser files in a vitest of their own, with
// CHROMIUM_PATH naming no file and no global setup (scripts/ci/vitest-stack.config.mjs).
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const NOWHERE = join(tmpdir(), "no-such-chromium");
const FILES = readdirSync(import.meta.dirname)
  .filter((name) => name.endsWith(".test.ts") && name !== "without-a-browser.test.ts")
  .map((name) => `test/browser/${name}`);
const dir = mkdtempSync(join(tmpdir(), "without-a-browser-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
}

async function runBrowserSuites(env: Record<string, string>) {
  const outputFile = join(dir, `report-${Object.keys(env).join("-")}.json`);
  const args = ["node_modules/vitest/vitest.mjs", "run", "-c", "scripts/ci/vitest-stack.config.mjs", ...FILES];
  const result = await promisify(execFile)(
    process.execPath,
    [...args, "--reporter=verbose", "--reporter=json", `--outputFile=${outputFile}`],
    { cwd: ROOT, env: { ...process.env, REQUIRE_BROWSER: "", ...env, CHROMIUM_PATH: NOWHERE }, timeout: 120_000 },
  )
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
    .catch((error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }));
  return { ...result, report: JSON.parse(readFileSync(outputFile, "utf8")) as Report };
}

describe("the browser suites with no browser", () => {
  it("are skipped, each test with the reason, and the run passes", async () => {
    const { code, stdout, stderr, report } = await runBrowserSuites({});
    const reason = `no Chromium at ${NOWHERE} (CHROMIUM_PATH): apt-get install -y chromium, or CHROMIUM_PATH=`;
    expect(FILES.length).toBeGreaterThan(0);
    expect(code, stdout + stderr).toBe(0);
    expect(report.numTotalTests).toBeGreaterThan(0);
    expect(report).toMatchObject({ numPassedTests: 0, numFailedTests: 0, numPendingTests: report.numTotalTests });
    // The one line the default reporter shows, and each skipped test's note (verbose).
    expect(stderr).toContain(`browser tests skipped: ${reason}`);
    expect(stdout.split("\n").filter((line) => line.includes(`[${reason}`))).toHaveLength(report.numTotalTests);
  });

  it("fail with REQUIRE_BROWSER=1, saying why", async () => {
    const { code, stdout, stderr, report } = await runBrowserSuites({ REQUIRE_BROWSER: "1" });
    expect(code).not.toBe(0);
    expect(report.numPassedTests).toBe(0);
    expect(stdout + stderr).toContain(`no Chromium at ${NOWHERE}`);
    expect(stdout + stderr).toContain("REQUIRE_BROWSER=1");
  });
});
