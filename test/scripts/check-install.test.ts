// `npm run dev` and `npm test` on a clone where `npm install` has not run: one line
// saying to run it (scripts/check-install.mjs, in predev and pretest), not Node's
// MODULE_NOT_FOUND stack.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const run = promisify(execFile);

/** What the command printed and its exit code, failing or not. */
function outcome(command: string, args: string[], cwd: string) {
  return run(command, args, { cwd, env: { ...process.env, npm_config_update_notifier: "false" }, timeout: 30_000 })
    .then(({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }))
    .catch((error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, out: error.stdout + error.stderr }));
}

// A clone before `npm install`: the package manifest and the scripts, no node_modules.
let clone: string;
beforeAll(() => {
  clone = mkdtempSync(join(tmpdir(), "not-installed-"));
  cpSync(join(ROOT, "package.json"), join(clone, "package.json"));
  cpSync(join(ROOT, "scripts"), join(clone, "scripts"), { recursive: true });
});
afterAll(() => rmSync(clone, { recursive: true, force: true }));

describe("before npm install", () => {
  it.each(["dev", "test"])("npm run %s says to run npm install, with no stack trace", async (script) => {
    const { code, out } = await outcome("npm", ["run", script], clone);
    expect(code).not.toBe(0);
    expect(out).toContain(`npm run ${script}: the dependencies are not installed (no node_modules/typescript): run \`npm install\``);
    expect(out).not.toMatch(/MODULE_NOT_FOUND|Cannot find (module|package)|^\s+at /m);
  });

  it("lets an installed clone through, silently", async () => {
    expect(await outcome(process.execPath, [join(ROOT, "scripts", "check-install.mjs")], ROOT)).toEqual({ code: 0, out: "" });
  });
});
