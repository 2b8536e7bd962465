// What a failure costs the token endpoint: token requests counted while MyService
// refuses MyBFF's tokens, and during a token-endpoint outage under load, with the
// time from the endpoint's recovery to the first 200. Runs the whole system in one
// Miniflare (test/support/local-network.ts: cognito-local, MyService, N MyBFF
// isolates sharing one KV namespace, and the "faults" worker whose gated token
// endpoint proxies to cognito-local while open and answers 503 while shut), with
// MyBFF's default back-off (1 s, doubling, jittered, capped at 60 s).
//
//   node scripts/reliability/token-storm.mjs [--outage-seconds 60] [--token-source get-client-token]
//
// Either token source of MyBFF (scripts/dev-settings.mjs devBffVars): cognito-local's
// token endpoint (default) or GetClientToken, each gated by the faults worker.
//
// Exports measureTokenStorm() for `npm run reliability`.
import { join } from "node:path";
import { build } from "esbuild";
import { buildWorker } from "../build-workers.mjs";
import { ROOT, WRANGLER_ENV } from "../local-stack.mjs";

const BUILD = join(ROOT, ".build", "reliability");
/** Per token source: MyBFF's setting pointing at the faults worker's gate, and the gate's hit counter. */
const GATED = {
  "token-endpoint": { vars: { AUTH_SERVER_TOKEN_ENDPOINT_URL: "http://127.0.0.1:8790/token/gate" }, hits: "token/gate" },
  "get-client-token": { vars: { COGNITO_IDP_ENDPOINT_URL: "http://127.0.0.1:8790/gct/gate" }, hits: "gct/gate" },
};
// MyBFF's client id left out of MyService's allowed list: every token MyBFF gets is refused.
const NOT_MYBFF = { COGNITO_ALLOWED_CLIENT_IDS: "someotherclientid0000000000" };
export const BACKOFF_CAP_MS = 60_000;

/**
 * The harness is TypeScript: bundled for Node once, with the packages left to
 * node_modules. It sits two folders below the root, as its source does, so that its
 * paths (import.meta.dirname/../..) still point at the project. The scripts it imports
 * (.mjs, plain JavaScript) stay imports: bundled, their own relative imports
 * (./dev-settings.mjs) would be looked for beside the bundle.
 * @param {string} [folder] where the bundle goes: two folders below the root
 */
export async function loadHarness(folder = BUILD) {
  const outfile = join(folder, "local-network.mjs");
  await build({
    entryPoints: [join(ROOT, "test/support/local-network.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    external: ["*.mjs"],
    logLevel: "error",
  });
  return import(outfile);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function statusOf(promise) {
  const response = await promise;
  await response.arrayBuffer();
  return response.status;
}

function count(statuses) {
  const counts = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** MyService refusing MyBFF's tokens: 30 sequential, then 50 concurrent requests, each on a fresh system. */
async function refusal(startLocalNetwork, isolates, tokenSource) {
  const results = {};
  for (const [name, run] of [
    [
      "sequential",
      async (net) => {
        const statuses = [];
        for (let i = 0; i < 30; i++) statuses.push(await statusOf(net.bff().fetch("/weatherforecast")));
        return statuses;
      },
    ],
    ["concurrent", (net) => Promise.all(Array.from({ length: 50 }, () => statusOf(net.bff().fetch("/weatherforecast"))))],
    [
      `concurrentOver${isolates}Isolates`,
      (net) => Promise.all(Array.from({ length: 50 }, (_, i) => statusOf(net.bff(1 + (i % isolates)).fetch("/weatherforecast")))),
    ],
  ]) {
    const net = await startLocalNetwork({
      tokenSource,
      serviceVars: NOT_MYBFF,
      bffCount: name.startsWith("concurrentOver") ? isolates : 1,
    });
    try {
      const started = Date.now();
      const statuses = await run(net);
      results[name] = {
        requests: statuses.length,
        durationMs: Date.now() - started,
        statuses: count(statuses),
        tokenRequests: await net.tokenRequests(),
      };
    } finally {
      await net.dispose();
    }
  }
  return results;
}

/**
 * A token-endpoint outage of `outageSeconds` under `connections` looping clients
 * spread over `isolates` MyBFF isolates that share KV; then the endpoint recovers
 * and the clients go on until the first 200 (at most the cap and 15 s more).
 */
async function outage(startLocalNetwork, { outageSeconds, connections, isolates, onStep, tokenSource }) {
  const gate = GATED[tokenSource];
  const net = await startLocalNetwork({ tokenSource, bffCount: isolates, bffVars: gate.vars });
  try {
    await net.setGate(false);
    const statuses = [];
    let firstOkAt = null;
    let stop = false;
    const started = Date.now();
    const loops = Array.from({ length: connections }, async (_, i) => {
      while (!stop) {
        const status = await statusOf(net.bff(1 + (i % isolates)).fetch("/weatherforecast")).catch(() => "error");
        statuses.push(status);
        if (status === 200 && firstOkAt === null) firstOkAt = Date.now();
      }
    });
    for (let s = 1; s <= outageSeconds; s++) {
      await sleep(started + s * 1000 - Date.now());
      onStep?.(s, outageSeconds, `outage: ${s} of ${outageSeconds} s`);
    }
    const duringOutage = { requests: statuses.length, statuses: count(statuses) };
    const outageHits = (await net.faultHits())[gate.hits] ?? 0;
    const failureLines = net.logs.filter((line) => line.includes('"token_request_failed"')).map((line) => JSON.parse(line));
    const sharedLines = net.logs.filter((line) => line.includes('"token_backoff_shared"')).length;
    await net.setGate(true);
    const recoveredAt = Date.now();
    while (firstOkAt === null && Date.now() - recoveredAt < BACKOFF_CAP_MS + 15_000) await sleep(20);
    stop = true;
    await Promise.all(loops);
    const maxStep = Math.max(0, ...failureLines.map((line) => line.step));
    return {
      seconds: outageSeconds,
      connections,
      isolates,
      ...duringOutage,
      // Counted at the endpoint (the faults worker's gate), not by MyBFF.
      tokenRequests: outageHits,
      failedAttempts: failureLines.length,
      firstAttemptRetries: outageHits - failureLines.length,
      deepestStep: maxStep,
      backOffsAdoptedFromKv: sharedLines,
      recoveryToFirst200Ms: firstOkAt === null ? null : Math.max(0, firstOkAt - recoveredAt),
      tokenRequestsInAll: (await net.faultHits())[gate.hits] ?? 0,
    };
  } finally {
    await net.dispose();
  }
}

/**
 * Measures both and returns the figures.
 * @example
 * const figures = await measureTokenStorm({ outageSeconds: 60 });
 * figures.outage.tokenRequests; // token requests at the endpoint during the outage
 */
export async function measureTokenStorm({
  outageSeconds = 60,
  connections = 50,
  isolates = 4,
  tokenSource = "token-endpoint",
  onStep,
} = {}) {
  if (!Object.hasOwn(GATED, tokenSource)) throw new Error(`tokenSource must be ${Object.keys(GATED).join(" or ")}`);
  Object.assign(process.env, WRANGLER_ENV);
  for (const worker of ["cognito-local", "service", "bff"]) buildWorker(worker);
  const { startLocalNetwork } = await loadHarness();
  const refused = await refusal(startLocalNetwork, isolates, tokenSource);
  const down = await outage(startLocalNetwork, { outageSeconds, connections, isolates, onStep, tokenSource });
  return { tokenSource, backOffCapMs: BACKOFF_CAP_MS, refused, outage: down };
}

if (process.argv[1] === import.meta.filename) {
  const at = process.argv.indexOf("--outage-seconds");
  const outageSeconds = at > 0 ? Number(process.argv[at + 1]) : 60;
  if (!Number.isInteger(outageSeconds) || outageSeconds < 1 || outageSeconds > 600) {
    throw new Error("--outage-seconds must be a whole number from 1 to 600");
  }
  const sourceAt = process.argv.indexOf("--token-source");
  const figures = await measureTokenStorm({
    outageSeconds,
    tokenSource: sourceAt > 0 ? process.argv[sourceAt + 1] : undefined,
    onStep: (done, total) => done % 10 === 0 && process.stderr.write(`outage ${done}/${total} s\n`),
  });
  const { refused, outage: o } = figures;
  console.log(JSON.stringify(figures, null, 2));
  console.log(`
MyService refusing MyBFF's tokens:
  30 sequential requests: ${refused.sequential.tokenRequests} token requests (target <= 2), statuses ${JSON.stringify(refused.sequential.statuses)}
  50 concurrent requests: ${refused.concurrent.tokenRequests} token requests (target <= 2), statuses ${JSON.stringify(refused.concurrent.statuses)}
Token source (${figures.tokenSource}) down for ${o.seconds} s, ${o.connections} connections over ${o.isolates} isolates sharing KV:
  ${o.requests} MyBFF requests, ${o.tokenRequests} token requests at the endpoint
  (${o.failedAttempts} failed attempts, one per back-off step and isolate, deepest step ${o.deepestStep}; ${o.firstAttemptRetries} in-call retries of first attempts)
  recovery to the first 200: ${o.recoveryToFirst200Ms} ms (target <= ${figures.backOffCapMs} ms)`);
}
