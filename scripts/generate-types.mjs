// `npm run types`: regenerates each worker's Env type from its own wrangler config,
// into the worker's folder. Runtime types come from @cloudflare/workers-types.
// `npm run types -- --check` only checks that the committed files are up to date
// (npm run lint does).
//
// MyService's file is in workers/service/, not beside its top-level wrangler.toml:
// wrangler dev compares ./worker-configuration.d.ts of the folder it runs in with the
// config it serves, and npm run dev runs all three workers from the top level, so a
// file there made each of them print "Your types might be out of date".
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ensureDevVars, ROOT, WRANGLER_ENV } from "./local-stack.mjs";

// The dev secrets' names are part of the generated Env, so the .dev.vars files must exist.
ensureDevVars();
const wrangler = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const common = ["types", "--include-runtime=false", "--strict-vars=false"];
const check = process.argv.includes("--check") ? ["--check"] : [];
for (const args of [
  [...common, "-c", "wrangler.toml", "workers/service/worker-configuration.d.ts"],
  [...common, "-c", "workers/bff/wrangler.toml", "workers/bff/worker-configuration.d.ts"],
  [...common, "-c", "workers/cognito-local/wrangler.toml", "workers/cognito-local/worker-configuration.d.ts"],
]) {
  try {
    execFileSync(process.execPath, [wrangler, ...args, ...check], {
      cwd: ROOT,
      env: { ...process.env, ...WRANGLER_ENV },
      stdio: check.length > 0 ? ["ignore", "ignore", "inherit"] : "inherit",
    });
  } catch {
    console.error(`${args.at(-1)} is not what ${args[args.indexOf("-c") + 1]} gives: run npm run types`);
    process.exitCode = 1;
  }
}
