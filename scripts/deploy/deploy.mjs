// `npm run deploy`: MyService, then MyBFF (its service binding needs MyService first),
// with the pinned wrangler. Refuses, saying why, while wrangler.toml still holds the
// local stack's values, instead of deploying workers that fail on their first request.
// `--check` only checks (no deploy, no Cloudflare account needed).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, WRANGLER_ENV } from "../local-stack.mjs";
import { deployProblems } from "./check-deploy-config.mjs";

const configPath = process.argv.includes("--config") ? process.argv[process.argv.indexOf("--config") + 1] : join(ROOT, "wrangler.toml");
const problems = deployProblems(configPath);
if (problems.length > 0) {
  console.error(`Not deploying: wrangler.toml still has local or placeholder values.\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee README, "Deploy".`);
  process.exit(1);
}
if (process.argv.includes("--check")) {
  console.log("wrangler.toml is ready to deploy.");
  process.exit(0);
}
const wrangler = (args) => {
  const result = spawnSync(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), ...args, "-c", configPath], {
    cwd: ROOT,
    env: { ...process.env, ...WRANGLER_ENV },
    stdio: "inherit",
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
const secrets = spawnSync(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "secret", "list", "--env", "bff", "--format", "json", "-c", configPath], {
  cwd: ROOT, env: { ...process.env, ...WRANGLER_ENV }, encoding: "utf8",
});
if (secrets.status === 0 && !secrets.stdout.includes("AUTH_SERVER_MYBFF_CLIENT_SECRET")) {
  console.error("Not deploying MyBFF: its secret AUTH_SERVER_MYBFF_CLIENT_SECRET is not set (npm run configure, or npx wrangler secret put AUTH_SERVER_MYBFF_CLIENT_SECRET --env bff).");
  process.exit(1);
}
wrangler(["deploy", "--env", ""]);
wrangler(["deploy", "--env", "bff"]);
