// What a cold MyBFF isolate's first request costs, by where its token comes from:
// a KV hit, the token coordinator (KV empty), or neither (a token request to
// cognito-local). One fresh Miniflare (real workerd) per run, whose MyBFF workers are
// all cold; MyService is warmed first through another MyBFF, so every case pays the
// same MyService call. Wall time of the first /weatherforecast from Node, median and
// range over the runs. All on loopback: in production the coordinator lives in one
// location, and a miss far from it adds a round trip to that location.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { DEV_CLIENT_SECRET as DEV_SECRET, devBffVars, devServiceVars, WORKERS_RUNTIME } from "../scripts/dev-settings.mjs";
import { ROOT } from "../scripts/local-stack.mjs";
import { cognitoLocalWorker, myServiceWorker } from "../scripts/miniflare-workers.mjs";

const COGNITO = "http://127.0.0.1:8789";
const SERVICE = "http://127.0.0.1:8787";
const ROUTER = `export default {
  fetch(request, env) {
    const { port } = new URL(request.url);
    const target = port === "8789" ? env.COGNITO : port === "8787" ? env.MY_SERVICE : null;
    if (!target) throw new Error("connection refused");
    return target.fetch(request);
  },
};`;

function bff(name, kvId, coordinator) {
  return {
    name,
    modules: true,
    scriptPath: join(ROOT, ".build/bff/index.js"),
    ...WORKERS_RUNTIME,
    bindings: { ...devBffVars(COGNITO, SERVICE), AUTH_SERVER_MYBFF_CLIENT_SECRET: DEV_SECRET, RATE_LIMIT: "off", LOG_LEVEL: "error" },
    kvNamespaces: { TOKEN_CACHE: kvId },
    serviceBindings: { MY_SERVICE: "myservice" },
    outboundService: "router",
    durableObjects: coordinator ? { TOKEN_COORDINATOR: { className: "TokenCoordinator", useSQLite: true } } : {},
  };
}

function network(persistTo, run) {
  return new Miniflare({
    kvPersist: join(persistTo, "kv"),
    durableObjectsPersist: join(persistTo, "do"),
    workers: [
      bff("bff-warm", "shared-kv", false),
      bff("bff-kv", "shared-kv", false),
      bff("bff-coordinator", `coordinator-kv-${run}`, true),
      bff("bff-none", `none-kv-${run}`, false),
      {
        name: "router",
        modules: true,
        script: ROUTER,
        ...WORKERS_RUNTIME,
        serviceBindings: { COGNITO: "cognito-local", MY_SERVICE: "myservice" },
      },
      myServiceWorker({ ...devServiceVars(COGNITO), LOG_LEVEL: "error" }),
      cognitoLocalWorker(),
    ],
  });
}

async function timedFirstRequest(mf, worker) {
  const fetcher = await mf.getWorker(worker);
  const started = performance.now();
  const response = await fetcher.fetch("http://127.0.0.1:8788/weatherforecast");
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${worker} answered ${response.status}`);
  return performance.now() - started;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value) => Math.round(value * 10) / 10;

const COLD_CASES = [
  { id: "bff-kv", label: "token in KV (a hit)" },
  { id: "bff-coordinator", label: "KV empty, token from the coordinator" },
  { id: "bff-none", label: "KV empty, no coordinator: a token request" },
];

/** @returns {Promise<{ runs: number, rows: { id: string, label: string, ms: number, range: [number, number] }[] }>} */
export async function coldTokenLatency({ runs = 5, onStep } = {}) {
  const measuredAt = new Date().toISOString();
  const persistTo = mkdtempSync(join(tmpdir(), "cold-token-"));
  const times = Object.fromEntries(COLD_CASES.map((c) => [c.id, []]));
  try {
    // Seed: a token in the shared KV namespace and in the coordinator's storage.
    const seed = network(persistTo, "seed");
    await timedFirstRequest(seed, "bff-warm");
    await timedFirstRequest(seed, "bff-coordinator");
    await seed.dispose();
    for (let run = 0; run < runs; run++) {
      const mf = network(persistTo, run);
      try {
        await timedFirstRequest(mf, "bff-warm"); // MyService's isolate fetches its keys here
        const order = COLD_CASES.map((c) => c.id);
        for (let i = 0; i < run % order.length; i++) order.push(order.shift());
        for (const id of order) times[id].push(await timedFirstRequest(mf, id));
      } finally {
        await mf.dispose();
      }
      onStep?.(run + 1, runs, `run ${run + 1}`);
    }
  } finally {
    rmSync(persistTo, { recursive: true, force: true });
  }
  return {
    measuredAt,
    runs,
    rows: COLD_CASES.map((c) => ({
      id: c.id,
      label: c.label,
      ms: round(median(times[c.id])),
      range: [round(Math.min(...times[c.id])), round(Math.max(...times[c.id]))],
    })),
  };
}

if (process.argv[1] === import.meta.filename) {
  const result = await coldTokenLatency();
  console.table(result.rows);
  const out = process.argv.indexOf("--json");
  if (out > 0) (await import("node:fs")).writeFileSync(process.argv[out + 1], `${JSON.stringify(result, null, 2)}\n`);
}
