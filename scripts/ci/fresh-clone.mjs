// The fresh-clone check: clones the repository anew into a temporary folder, runs
// `npm ci`, then every npm command the READMEs give (scripts/ci/readme-commands.mjs
// says which and in what order), each as a reader would run it, with nothing else run
// before, and each with no bundles (.build/) left by the ones before it. A command
// that needs what only another one builds fails here. Part of .ci/run.
// Usage: node scripts/ci/fresh-clone.mjs [--from <git repository>] [--keep]
//   --from: what to clone (default: this checkout's repository; its committed HEAD)
//   --keep: leave the clone in place (its path is printed)
// Exits non-zero when a command fails or runs past its time limit.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT, WRANGLER_ENV } from "../local-stack.mjs";
import { readmeCommands } from "./readme-commands.mjs";

const MINUTE_MS = 60_000;
/** The whole check's time limit (each command also has its own): CI allows 90 minutes in all. */
const BUDGET_MS = 50 * MINUTE_MS;
const AWS_FIXTURES = "test/fixtures/aws";

/**
 * How a documented command is run here. The command itself, unless:
 * - it cannot run in this repository or without an account: skipped, with why;
 * - it has a stand-in that exercises the same code without the account;
 * - the word after an option is a file or value the reader makes with AWS or
 *   Cloudflare: the recorded AWS outputs of test/fixtures/aws stand in for them.
 * @param {string} command as the README gives it
 * @param {string[]} documented every command the READMEs give
 * @returns {{ skip: string } | { run: string, env?: Record<string, string>, limitMs: number, fails?: { exitCode: number, saying: string } }}
 */
export function planFor(command, documented) {
  // A placeholder such as `<the id>` is one word.
  const words = command.match(/<[^>]*>|\S+/g) ?? [];
  const [, verb, script] = words;
  if (verb === "install" && words.length > 2)
    return { skip: "installs into the reader's own project (test/package installs the packed library into a fresh one)" };
  if (verb === "publish") return { skip: "publishing needs the registry's credentials" };
  if (verb === "test" || (verb === "run" && (script === "test" || script === "test:lib")))
    return { skip: "a .ci/run pass runs it right after its own npm ci (npm test on Node 24, npm run test:lib on Node 22)" };
  if (verb !== "run") return { run: command, limitMs: 10 * MINUTE_MS };
  if (words.length === 3 && documented.includes(`${command} -- --quick`))
    return { skip: `\`${command} -- --quick\` is documented too, and runs instead` };
  if (script === "dev")
    return {
      // Starts npm run dev (other ports), replays the README walkthrough block word for
      // word with bash and curl, checks the answers, and stops the stack with Ctrl-C.
      run: "node node_modules/vitest/vitest.mjs run -c scripts/ci/vitest-stack.config.mjs test/stack/walkthrough.test.ts",
      limitMs: 10 * MINUTE_MS,
    };
  // Without a Cloudflare login, configure writes the configs but cannot set MyBFF's
  // secret: it says so and exits 1, and the deploy check then refuses for that reason
  // (and that reason alone: any other failure fails here).
  if (script === "deploy")
    return {
      run: "npm run deploy -- --check", // a deploy needs a Cloudflare account
      limitMs: 2 * MINUTE_MS,
      fails: { exitCode: 1, saying: "Not ready: npm run configure could not set MyBFF's secret" },
    };
  if (script === "configure")
    return {
      run: withStandIns(words).join(" "),
      env: { CLOUDFLARE_API_TOKEN: "" },
      limitMs: 3 * MINUTE_MS,
      fails: { exitCode: 1, saying: "the secret AUTH_SERVER_MYBFF_CLIENT_SECRET is NOT set" },
    };
  const limitMinutes = { bench: 20, reliability: 25 }[script ?? ""] ?? 10;
  return { run: command, limitMs: limitMinutes * MINUTE_MS };
}

const STAND_INS = {
  "--stack-outputs": `${AWS_FIXTURES}/describe-stacks.json`,
  "--client": `${AWS_FIXTURES}/describe-user-pool-client.json`,
  "--kv-namespace-id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
};

/** The words of a command with the recorded outputs in place of the reader's files and ids. */
function withStandIns(words) {
  const out = words.map((word, i) => STAND_INS[words[i - 1] ?? ""] ?? word);
  const unknown = out.find((word) => /^<.*>$/.test(word));
  if (unknown) throw new Error(`no stand-in for ${unknown} in "${words.join(" ")}": add one to STAND_INS in scripts/ci/fresh-clone.mjs`);
  return out;
}

/**
 * What the issue (#22) asks the check to run. One the READMEs no longer give is run at
 * the end all the same, and reported, so that dropping it from a README is seen.
 */
const EXPECTED = [
  { script: "dev", fallback: "npm run dev" },
  { script: "bench", fallback: "npm run bench -- --quick" },
  { script: "reliability", fallback: "npm run reliability" },
  { script: "configure", fallback: "npm run configure -- --stack-outputs stack.json --client client.json --kv-namespace-id <id>" },
  { script: "deploy", fallback: "npm run deploy -- --check" },
  { script: "lint", fallback: "npm run lint" },
  { script: "types", fallback: "npm run types" },
  { script: "build", fallback: "npm run build" },
];

/**
 * Runs a shell command in the clone, its output passed through; resolves with its exit
 * code (or "timeout") and what it printed.
 */
function runIn(cwd, command, env, limitMs) {
  return new Promise((resolve, reject) => {
    // A process group of its own, so that a command past its limit is stopped with
    // everything it started (wrangler dev, workerd): Ctrl-C first, then SIGKILL.
    const child = spawn("bash", ["-c", command], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      from.on("data", (chunk) => {
        to.write(chunk);
        output = (output + chunk.toString()).slice(-65_536);
      });
    }
    let timedOut = false;
    const signal = (name) => {
      try {
        process.kill(-child.pid, name);
      } catch {
        /* already stopped */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      signal("SIGINT");
      setTimeout(() => signal("SIGKILL"), 15_000).unref();
    }, limitMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? "timeout" : code, output });
    });
  });
}

async function main() {
  const { values } = parseArgs({ options: { from: { type: "string", default: ROOT }, keep: { type: "boolean", default: false } } });
  const env = { ...WRANGLER_ENV, CI: process.env.CI ?? "true" };
  const dir = mkdtempSync(join(tmpdir(), "fresh-clone-"));
  const clone = join(dir, "edge-cc-auth");
  const results = [];
  const started = Date.now();
  const step = async (label, command, { cwd = clone, env: stepEnv = {}, limitMs, fails }) => {
    console.log(`\n=== fresh clone: ${label}${command === label ? "" : `\n    runs: ${command}`}`);
    const t0 = Date.now();
    const left = BUDGET_MS - (t0 - started);
    if (left <= 0) {
      results.push(`FAILED ${label} (not run: the check's ${BUDGET_MS / MINUTE_MS} min are spent)`);
      return false;
    }
    const { code, output } = await runIn(cwd, command, { ...env, ...stepEnv }, Math.min(limitMs, left));
    const seconds = Math.round((Date.now() - t0) / 1000);
    const how = code === "timeout" ? "past its time limit" : `exit ${code}`;
    // A command that cannot succeed here (no account) must fail exactly as documented.
    const ok = fails ? code === fails.exitCode && output.includes(fails.saying) : code === 0;
    const expected = fails ? `, expected without an account: exit ${fails.exitCode} saying "${fails.saying}"` : "";
    results.push(`${ok ? "ok    " : "FAILED"} ${label} (${how}, ${seconds} s${expected})`);
    return ok;
  };
  const cloneCommand = `git clone --quiet ${JSON.stringify(values.from)} ${JSON.stringify(clone)}`;
  const cloned = await step("git clone", cloneCommand, { cwd: dir, limitMs: 5 * MINUTE_MS });
  // Everything after npm ci runs even when a command before it failed: each is meant to
  // work on its own, and one report names every command that does not.
  let ok = cloned && (await step("npm ci", "npm ci --no-audit --no-fund", { limitMs: 10 * MINUTE_MS }));
  if (!ok) {
    rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }
  const found = readmeCommands(clone);
  const documented = found.map((f) => f.command);
  const missing = EXPECTED.filter(({ script }) => !documented.some((c) => new RegExp(`^npm run ${script}(\\s|$)`).test(c)));
  const queue = [
    ...found.map(({ command, document }) => ({ command, from: document })),
    ...missing.map(({ fallback }) => ({ command: fallback, from: "not in any README" })),
  ];
  for (const { command, from } of queue) {
    const plan = planFor(command, documented);
    if ("skip" in plan) {
      results.push(`skip   ${command} (${from}): ${plan.skip}`);
      continue;
    }
    // The commands share the clone, as a reader's do, but not their bundles: each starts
    // with no .build/, so that one that starts a bundle it does not build fails here even
    // when a command before it happened to build that bundle.
    rmSync(join(clone, ".build"), { recursive: true, force: true });
    ok = (await step(`${command} (${from})`, plan.run, plan)) && ok;
  }
  console.log(`\n=== fresh clone: summary (${Math.round((Date.now() - started) / 1000)} s, ${clone})`);
  for (const line of results) console.log(line);
  for (const { fallback } of missing) console.log(`not in README.md, docs/ or shared/README.md, run anyway: ${fallback}`);
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  process.exit(ok ? 0 : 1);
}

if (process.argv[1] === import.meta.filename) await main();
