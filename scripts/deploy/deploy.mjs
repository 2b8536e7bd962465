// `npm run deploy`: MyService, then MyBFF (its service binding needs MyService first),
// with the pinned wrangler. Refuses, saying why, while wrangler.toml still holds the
// local stack's values, instead of deploying workers that fail on their first request.
// `--check` only checks (no deploy, no Cloudflare account needed).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, WRANGLER_ENV } from "../local-stack.mjs";
import { deployProblems } from "./check-deploy-config.mjs";

const option = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : join(ROOT, fallback));
const configs = { service: option("--config", "wrangler.toml"), bff: option("--bff-config", "workers/bff/wrangler.toml") };
const problems = deployProblems(configs);
if (problems.length > 0) {
  console.error(
    `Not deploying: the wrangler configs still have local or placeholder values.\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee README, "Deploy".`,
  );
  process.exit(1);
}
if (process.argv.includes("--check")) {
  console.log("wrangler.toml and workers/bff/wrangler.toml are ready to deploy.");
  process.exit(0);
}
const wrangler = (args, configPath) => {
  const result = spawnSync(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), ...args, "-c", configPath], {
    cwd: ROOT,
    env: { ...process.env, ...WRANGLER_ENV },
    stdio: "inherit",
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
const secrets = spawnSync(
  process.execPath,
  [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "secret", "list", "--format", "json", "-c", configs.bff],
  {
    cwd: ROOT,
    env: { ...process.env, ...WRANGLER_ENV },
    encoding: "utf8",
  },
);
if (secrets.status === 0 && !secrets.stdout.includes("AUTH_SERVER_MYBFF_CLIENT_SECRET")) {
  console.error(
    "Not deploying MyBFF: its secret AUTH_SERVER_MYBFF_CLIENT_SECRET is not set (npm run configure, or npx wrangler secret put AUTH_SERVER_MYBFF_CLIENT_SECRET -c workers/bff/wrangler.toml).",
  );
  process.exit(1);
}
wrangler(["deploy"], configs.service);
wrangler(["deploy"], configs.bff);
