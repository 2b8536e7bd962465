// `npm run dev`: the whole system on this machine, with no AWS and no Cloudflare
// account. Ports: COGNITO_PORT (8789), SERVICE_PORT (8787), BFF_PORT (8788).
// DEV_PERSIST_TO moves the local state (KV, signing keys) out of .wrangler/state.
// TOKEN_SOURCE: where MyBFF gets its token from cognito-local, `token-endpoint`
// (/oauth2/token, the default) or `get-client-token` (GetClientToken at `POST /`):
//   TOKEN_SOURCE=get-client-token npm run dev
// COGNITO=real (or `npm run dev -- --real-pool`): MyService and MyBFF only, against the
// real user pool their wrangler configs name, MyBFF's secret from workers/bff/.dev.vars
// (scripts/dev-real-pool.mjs). Either way, one line says which issuer MyService trusts.
import { COGNITO_MODES, realPoolIssuerLine, realPoolPaths, realPoolProblems } from "./dev-real-pool.mjs";
import { TOKEN_SOURCES } from "./dev-settings.mjs";
import {
  DEFAULT_PORTS,
  ensureDevVars,
  getClientTokenCurl,
  PORT_VARIABLES,
  ROOT,
  readmeWalkthrough,
  stackUrls,
  startStack,
  takenPorts,
} from "./local-stack.mjs";

const COLORS = { cognito: "\x1b[35m", service: "\x1b[36m", bff: "\x1b[33m" };
const RESET = "\x1b[0m";
const useColor = process.stdout.isTTY;

function port(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535) {
    console.error(`${name} must be a port number between 1 and 65535, got "${value}"`);
    process.exit(2);
  }
  return parsed;
}

const mode = process.argv.includes("--real-pool") ? "real" : process.env.COGNITO || "local";
if (!COGNITO_MODES.includes(mode)) {
  console.error(`COGNITO must be ${COGNITO_MODES.join(" or ")}, got "${mode}"`);
  process.exit(2);
}
const realPool = mode === "real";

const ports = {
  ...(realPool ? {} : { cognito: port("COGNITO_PORT", DEFAULT_PORTS.cognito) }),
  service: port("SERVICE_PORT", DEFAULT_PORTS.service),
  bff: port("BFF_PORT", DEFAULT_PORTS.bff),
};

const tokenSource = process.env.TOKEN_SOURCE || "token-endpoint";
if (!TOKEN_SOURCES.includes(tokenSource)) {
  console.error(`TOKEN_SOURCE must be ${TOKEN_SOURCES.join(" or ")}, got "${tokenSource}"`);
  process.exit(2);
}

for (const file of ensureDevVars()) console.log(`created ${file} from its .example (dev-only secret)`);

if (realPool) {
  const problems = realPoolProblems(realPoolPaths(ROOT));
  if (problems.length > 0) {
    console.error(
      `COGNITO=real npm run dev: not ready for a real user pool:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee README, "Against a real user pool".`,
    );
    process.exit(2);
  }
}

// A taken port: one line each, naming the port and how to change it, before anything starts.
const taken = await takenPorts(ports);
if (taken.length > 0) {
  const names = { cognito: "cognito-local", service: "MyService", bff: "MyBFF" };
  for (const { worker, port: number, code } of taken) {
    const why = code === "EADDRINUSE" ? "is already in use" : `cannot be used (${code})`;
    console.error(
      `npm run dev: port ${number} (${names[worker]}) ${why}: stop what listens there (\`lsof -i :${number}\` shows it; an earlier npm run dev?), or choose another port: ${PORT_VARIABLES[worker]}=${number <= 64535 ? number + 1000 : number - 1000} npm run dev`,
    );
  }
  process.exit(1);
}

console.log(
  realPool
    ? realPoolIssuerLine(realPoolPaths(ROOT))
    : `Issuer: cognito-local's ${stackUrls({ ...DEFAULT_PORTS, ...ports }).issuer} (the wrangler configs' pool, client and token URL are overridden for the local stack; COGNITO=real npm run dev uses them)`,
);

const prefix = (worker) => {
  const label = `[${worker}]`.padEnd(10);
  return useColor ? `${COLORS[worker]}${label}${RESET}` : label;
};

let stack;
let stopping = false;
const starting = new AbortController();
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  // Still starting: startStack stops what it has started, then the catch below exits.
  if (!stack) return starting.abort();
  await stack.stop();
  process.exit(code);
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

try {
  stack = await startStack({
    ports,
    persistTo: process.env.DEV_PERSIST_TO || undefined,
    tokenSource,
    realPool,
    signal: starting.signal,
    onLine: (worker, line) => console.log(`${prefix(worker)} ${line}`),
  });
} catch (error) {
  if (stopping) process.exit(0);
  // A port taken after the check above (another program was quicker): the same one line.
  const message = /EADDRINUSE|address already in use/i.test(error.message)
    ? `npm run dev: a port was taken while the stack started: check with \`lsof -i\`, or choose others with ${Object.values(PORT_VARIABLES).join(", ")}`
    : `\n${error.message}`;
  console.error(message);
  process.exit(1);
}

const { urls } = stack;
if (realPool) {
  console.log(`
The stack is up against your user pool: MyService ${urls.service}, MyBFF ${urls.bff}
Try it from another terminal (Ctrl-C here stops everything):

  curl -s -w '\\n' ${urls.bff}/weatherforecast
`);
} else {
  const indent = (text) => text.replace(/^(?=.)/gm, "  ");
  const walkthrough = indent(readmeWalkthrough(ports));
  const source =
    tokenSource === "get-client-token"
      ? `MyBFF gets its token with GetClientToken (TOKEN_SOURCE=get-client-token); the same call with curl:\n\n${indent(getClientTokenCurl(ports))}\n`
      : "";
  console.log(`
The stack is up: cognito-local ${urls.cognito}, MyService ${urls.service}, MyBFF ${urls.bff}
Try it from another terminal (Ctrl-C here stops everything):

${walkthrough}
${source}`);
}

const { name, code } = await stack.exited;
if (!stopping) {
  console.error(`${name} stopped (exit code ${code}); stopping the others`);
  await shutdown(1);
}
