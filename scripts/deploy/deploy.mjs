// `npm run deploy`: MyService, then MyBFF (its service binding needs MyService first),
// with the pinned wrangler. Refuses, saying why, while wrangler.toml still holds the
// local stack's values, instead of deploying workers that fail on their first request;
// and, before any upload, while MyBFF's secret is not set or wrangler is not logged in
// to Cloudflare (wrangler's own login would try to open a browser).
// `--check` only checks the configs and what `npm run configure` said of the secret
// (no deploy, no Cloudflare account needed).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { ROOT, WRANGLER_ENV } from "../local-stack.mjs";
import { deployProblems } from "./check-deploy-config.mjs";
import { markSecretSet, SECRET_COMMAND, SECRET_NAME, secretNotSet } from "./secret-state.mjs";

const option = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : join(ROOT, fallback));
const configs = { service: option("--config", "wrangler.toml"), bff: option("--bff-config", "workers/bff/wrangler.toml") };
const stop = (message) => {
  console.error(message);
  process.exit(1);
};
const problems = deployProblems(configs);
if (problems.length > 0) {
  stop(
    `Not deploying: the wrangler configs still have local or placeholder values.\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee README, "Deploy".`,
  );
}
const wranglerArgs = (args, configPath) => [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), ...args, "-c", configPath];
const env = { ...process.env, ...WRANGLER_ENV };
if (process.argv.includes("--check")) {
  if (secretNotSet(configs.bff)) {
    stop(
      `Not ready: npm run configure could not set MyBFF's secret ${SECRET_NAME}. Run \`npx wrangler login\`, then \`${SECRET_COMMAND}\`.`,
    );
  }
  console.log("wrangler.toml and workers/bff/wrangler.toml are ready to deploy.");
  process.exit(0);
}
// Piped, so wrangler runs non-interactively: not logged in, it fails at once instead of
// starting a browser login. The list holds names only, never values.
const secrets = spawnSync(process.execPath, wranglerArgs(["secret", "list", "--format", "json"], configs.bff), {
  cwd: ROOT,
  env: { ...env, NO_COLOR: "1", FORCE_COLOR: "0" },
  encoding: "utf8",
  stdio: ["ignore", "pipe", "pipe"],
});
if (secrets.status !== 0) {
  // wrangler's first error line, its first sentence: "In a non-interactive environment, it's
  // necessary to set a CLOUDFLARE_API_TOKEN ..." when not logged in, else an API error.
  const reason = stripVTControlCharacters(`${secrets.stderr}\n${secrets.stdout}`)
    .split("\n")
    .map((line) => line.replace(/^[^A-Za-z[]*(\[ERROR\]\s*)?/, "").trim())
    .find((line) => line.length > 0)
    ?.split(/(?<=\.) /)[0];
  stop(
    `Not deploying: wrangler could not read MyBFF's secrets${reason ? ` ("${reason}")` : ""}.\n` +
      "Log in to Cloudflare first: `npx wrangler login`, or on a machine without a browser set CLOUDFLARE_API_TOKEN (docs/deploy.md).",
  );
}
if (!secrets.stdout.includes(SECRET_NAME)) {
  stop(`Not deploying MyBFF: its secret ${SECRET_NAME} is not set (npm run configure, or ${SECRET_COMMAND}).`);
}
markSecretSet(configs.bff);
for (const config of [configs.service, configs.bff]) {
  const result = spawnSync(process.execPath, wranglerArgs(["deploy"], config), { cwd: ROOT, env, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
