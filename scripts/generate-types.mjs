// `npm run types`: regenerates each worker's Env type from its own wrangler config,
// beside that config (MyService's at the top level, MyBFF's and cognito-local's in
// their folders). Runtime types come from @cloudflare/workers-types.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ensureDevVars, ROOT, WRANGLER_ENV } from "./local-stack.mjs";

// The dev secrets' names are part of the generated Env, so the .dev.vars files must exist.
ensureDevVars();
const wrangler = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const common = ["types", "--include-runtime=false", "--strict-vars=false"];
for (const args of [
  [...common, "-c", "wrangler.toml", "worker-configuration.d.ts"],
  [...common, "-c", "workers/bff/wrangler.toml", "workers/bff/worker-configuration.d.ts"],
  [...common, "-c", "workers/cognito-local/wrangler.toml", "workers/cognito-local/worker-configuration.d.ts"],
]) {
  execFileSync(process.execPath, [wrangler, ...args], { cwd: ROOT, env: { ...process.env, ...WRANGLER_ENV }, stdio: "inherit" });
}
