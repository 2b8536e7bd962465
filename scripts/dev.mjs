// `npm run dev`: the whole system on this machine, with no AWS and no Cloudflare
// account. Ports: COGNITO_PORT (8789), SERVICE_PORT (8787), BFF_PORT (8788).
// DEV_PERSIST_TO moves the local state (KV, signing keys) out of .wrangler/state.
import { DEFAULT_PORTS, ensureDevVars, readmeWalkthrough, startStack } from "./local-stack.mjs";

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

const ports = {
  cognito: port("COGNITO_PORT", DEFAULT_PORTS.cognito),
  service: port("SERVICE_PORT", DEFAULT_PORTS.service),
  bff: port("BFF_PORT", DEFAULT_PORTS.bff),
};

for (const file of ensureDevVars()) console.log(`created ${file} from its .example (dev-only secret)`);

const prefix = (worker) => {
  const label = `[${worker}]`.padEnd(10);
  return useColor ? `${COLORS[worker]}${label}${RESET}` : label;
};

let stack;
let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  await stack?.stop();
  process.exit(code);
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

try {
  stack = await startStack({
    ports,
    persistTo: process.env.DEV_PERSIST_TO || undefined,
    onLine: (worker, line) => console.log(`${prefix(worker)} ${line}`),
  });
} catch (error) {
  console.error(`\n${error.message}`);
  process.exit(1);
}

const { urls } = stack;
const walkthrough = readmeWalkthrough(ports).replace(/^(?=.)/gm, "  ");
console.log(`
The stack is up: cognito-local ${urls.cognito}, MyService ${urls.service}, MyBFF ${urls.bff}
Try it from another terminal (Ctrl-C here stops everything):

${walkthrough}`);

const { name, code } = await stack.exited;
if (!stopping) {
  console.error(`${name} stopped (exit code ${code}); stopping the others`);
  await shutdown(1);
}
