// Bundles workers with `wrangler deploy --dry-run`, exactly as a deploy would,
// without uploading. Used by the tests (Miniflare and the pool need cognito-local
// as pre-built JS) and by CI (a broken bundle of a deployable worker fails it).
// Usage: node scripts/build-workers.mjs [cognito-local] [service] [bff] [bench]
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, WRANGLER_ENV } from "./local-stack.mjs";

export const BUILD_DIR = join(ROOT, ".build");

const TARGETS = {
  "cognito-local": ["-c", "workers/cognito-local/wrangler.toml"],
  service: ["-c", "wrangler.toml"],
  bff: ["-c", "workers/bff/wrangler.toml"],
  bench: ["-c", "bench/worker/wrangler.toml"],
};

/** Builds one worker into .build/<name>/ and returns that folder. */
export function buildWorker(name) {
  const outdir = join(BUILD_DIR, name);
  execFileSync(
    process.execPath,
    [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outdir, ...TARGETS[name]],
    { cwd: ROOT, env: { ...process.env, ...WRANGLER_ENV, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "inherit"] },
  );
  return outdir;
}

if (process.argv[1] === import.meta.filename) {
  const names = process.argv.slice(2);
  for (const name of names.length ? names : Object.keys(TARGETS)) {
    if (!(name in TARGETS)) throw new Error(`unknown worker ${name}; expected one of ${Object.keys(TARGETS).join(", ")}`);
    console.log(`built ${name} -> ${buildWorker(name)}`);
  }
}
