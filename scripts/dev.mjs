// `npm run dev`: the whole system on this machine, with no AWS and no Cloudflare
// account. Ports: COGNITO_PORT (8789), SERVICE_PORT (8787), BFF_PORT (8788).
// DEV_PERSIST_TO moves the local state (KV, signing keys) out of .wrangler/state.
// TOKEN_SOURCE: where MyBFF gets its token from cognito-local, `token-endpoint`
// (/oauth2/token, the default) or `get-client-token` (GetClientToken at `POST /`):
//   TOKEN_SOURCE=get-client-token npm run dev
import { TOKEN_SOURCES } from "./dev-settings.mjs";
import { DEFAULT_PORTS, ensureDevVars, getClientTokenCurl, readmeWalkthrough, startStack } from "./local-stack.mjs";

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

const tokenSource = process.env.TOKEN_SOURCE || "token-endpoint";
if (!TOKEN_SOURCES.includes(tokenSource)) {
  console.error(`TOKEN_SOURCE must be ${TOKEN_SOURCES.join(" or ")}, got "${tokenSource}"`);
  process.exit(2);
}

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
    tokenSource,
    onLine: (worker, line) => console.log(`${prefix(worker)} ${line}`),
  });
} catch (error) {
  console.error(`\n${error.message}`);
  process.exit(1);
}

const { urls } = stack;
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

const { name, code } = await stack.exited;
if (!stopping) {
  console.error(`${name} stopped (exit code ${code}); stopping the others`);
  await shutdown(1);
}
