// What a cold isolate pays before it answers: the startup of MyService and MyBFF against
// a plain hono + jose Worker with the same GET /weatherforecast (bench/plain-worker/),
// each bundled by wrangler as a deploy would (`wrangler deploy --dry-run --outdir`):
//   - bundle sizes, raw and gzip (gzip level 9, computed here from the bundle);
//   - startup as workerd runs it: in a fresh workerd per sample, a wrapper module
//     imports the bundle on its first request; the wall time of that request, from
//     Node, minus that of requests that import nothing (workerd does not advance its
//     own clock during computation, hence the outside clock). The three workers are
//     interleaved round by round, several fresh workerd processes each per round; a
//     round's figure for a worker is the median of its samples in that round (a single
//     ~3 ms sample is decided by one scheduler hiccup on a shared machine), and its
//     ratio is that figure over the plain Worker's in the same round. The same samples
//     also give workerd's CPU time for the import (Linux /proc schedstat of its threads):
//     the same work without the time the machine's other processes kept workerd waiting;
//   - `wrangler check startup` (workerd's CPU profile of the import of the bundle it
//     builds from the same config), where it is available and its 1 ms sampling catches
//     anything; skipped with its error otherwise;
//   - the first authorized GET /weatherforecast of a cold isolate, end to end (import,
//     the key set, verification, answer), in a fresh workerd per sample: the plain
//     Worker; MyService with key-set sharing off; MyService as a location's first
//     isolate (no shared copy: it fetches the key set and shares it); MyService as a
//     later isolate of the same location (a fresh workerd on the Cache API storage an
//     earlier one filled: it verifies with the shared copy, no key-set request). Only the
//     worker is cold: cognito-local has issued the token and Miniflare's cache service
//     has started (a location's cache is always running), whose start is timed apart.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Miniflare } from "miniflare";
import {
  COGNITO_LOCAL_DEV_HEADERS,
  DEV_CLIENT_ID,
  DEV_CLIENT_SECRET,
  devBffVars,
  devServiceVars,
  WORKERS_RUNTIME,
} from "../scripts/dev-settings.mjs";
import { ROOT, WRANGLER_ENV } from "../scripts/local-stack.mjs";
import { COGNITO_ORIGIN, cognitoLocalWorker } from "../scripts/miniflare-workers.mjs";
import { profileCpu } from "./consumers.mjs";

const WORKERS = [
  {
    id: "plain",
    label: "plain hono + jose Worker (bench/plain-worker)",
    config: "bench/plain-worker/wrangler.toml",
    bindings: devServiceVars(COGNITO_ORIGIN),
  },
  { id: "service", label: "MyService", config: "wrangler.toml", bindings: { ...devServiceVars(COGNITO_ORIGIN), LOG_LEVEL: "error" } },
  {
    id: "bff",
    label: "MyBFF",
    config: "workers/bff/wrangler.toml",
    bindings: {
      ...devBffVars(COGNITO_ORIGIN, "http://127.0.0.1:8787"),
      AUTH_SERVER_MYBFF_CLIENT_SECRET: DEV_CLIENT_SECRET,
      RATE_LIMIT: "off",
      LOG_LEVEL: "error",
    },
  },
];
/**
 * The cold first authorized requests that are timed (MyBFF's needs MyService and a token:
 * bench/cold-token.mjs). `shared`: the sample's workerd starts on the Cache API (and
 * cognito-local's KV) storage of an earlier workerd that served one authorized request.
 */
const FIRST_REQUEST = [
  { id: "plain", worker: "plain", label: "plain hono + jose Worker (its isolate fetches the key set)" },
  {
    id: "service-unshared",
    worker: "service",
    label: 'MyService, key-set sharing off (JWKS_SHARED_CACHE = "off"): it fetches the key set',
    bindings: { JWKS_SHARED_CACHE: "off" },
  },
  {
    id: "service",
    worker: "service",
    label: "MyService, a location's first isolate: no shared key set yet, it fetches and shares it",
  },
  {
    id: "service-shared",
    worker: "service",
    label: "MyService, a later isolate of the location: the shared key set, no key-set request",
    shared: true,
  },
];

const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
/** MyService's named cache of the shared key set (workers/service/src/verifier.ts). */
const SHARED_KEY_SET_CACHE = "edge-cc-auth:jwks";
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const spread = (values) => ({
  median: round(median(values)),
  min: round(Math.min(...values)),
  max: round(Math.max(...values)),
  runs: values.map((v) => round(v)),
});

function wrangler(args) {
  return execFileSync(process.execPath, [WRANGLER, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...WRANGLER_ENV, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  }).toString();
}

/** The worker's bundle, as `wrangler deploy` would upload it: its main module (the only one these workers have). */
function build(worker, dir) {
  const outdir = join(dir, worker.id);
  wrangler(["deploy", "--dry-run", "-c", join(ROOT, worker.config), "--outdir", outdir]);
  const name = readdirSync(outdir).find((file) => /\.m?js$/.test(file));
  if (!name) throw new Error(`wrangler deploy --dry-run --outdir wrote no module for ${worker.id}`);
  return { name, code: readFileSync(join(outdir, name)) };
}

// The first request that is not /__noop imports the bundle; /__import stops there, any
// other path goes on to the worker itself (its first request, cold).
const WRAPPER = (name) => `let worker;
export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === "/__noop") return new Response("ok");
    worker ??= (await import("./${name}")).default;
    if (path === "/__import") return new Response("ok");
    return worker.fetch(request, env, ctx);
  },
};`;

// The target's outbound fetches go to cognito-local; called directly on /__warm-cache, the
// router starts the location's Cache API (see firstRequestSample) and answers.
const ROUTER = `export default { async fetch(request, env) {
  const url = new URL(request.url);
  if (url.pathname === "/__warm-cache") {
    await (await caches.open("${SHARED_KEY_SET_CACHE}")).match("https://bench.invalid/warm");
    return new Response("ok");
  }
  if (url.port !== "8789") throw new Error("connection refused");
  return env.COGNITO.fetch(request);
} };`;

/**
 * A fresh workerd running the bundle behind the wrapper (and cognito-local for its keys);
 * with `persistTo`, its Cache API and KV storage live there (one location's, across workerd processes).
 */
function fresh(worker, bundle, { bindings = {}, persistTo } = {}) {
  return new Miniflare({
    ...(persistTo && { cachePersist: join(persistTo, "cache"), kvPersist: join(persistTo, "kv") }),
    workers: [
      {
        name: "target",
        modulesRoot: "/",
        modules: [
          { type: "ESModule", path: "/startup-wrapper.mjs", contents: WRAPPER(bundle.name) },
          { type: "ESModule", path: `/${bundle.name}`, contents: bundle.code },
        ],
        ...WORKERS_RUNTIME,
        bindings: { ...worker.bindings, ...bindings },
        kvNamespaces: ["TOKEN_CACHE"],
        outboundService: "router",
      },
      {
        name: "router",
        modules: true,
        script: ROUTER,
        ...WORKERS_RUNTIME,
        serviceBindings: { COGNITO: "cognito-local" },
      },
      cognitoLocalWorker(),
    ],
  });
}

async function timed(fetcher, path, init) {
  const started = performance.now();
  const response = await fetcher.fetch(`http://127.0.0.1:8787${path}`, init);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
  return performance.now() - started;
}

/** The dispatch times of a few requests that do nothing. */
async function noops(fetcher) {
  const times = [];
  for (let i = 0; i < 5; i++) times.push(await timed(fetcher, "/__noop"));
  return times;
}

/** Below this, an import is not told apart from the dispatch around it (and a ratio needs no zero). */
const RESOLUTION_MS = 0.05;

/** The workerd processes this Node process started (Miniflare's), by pid; none where /proc is not there. */
function workerdChildren() {
  if (!existsSync("/proc")) return [];
  return readdirSync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // pid (comm) state ppid ...
      return stat.includes("(workerd)") && Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === process.pid;
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** The time the process's threads have run on a CPU, in ms (Linux schedstat, ns resolution). */
function cpuMs(pid) {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // a thread that ended meanwhile
    }
  }
  return ns / 1e6;
}

/**
 * One startup sample: the import of the bundle in a fresh workerd, in ms of wall time and,
 * where /proc tells it, of workerd's CPU time (its threads' time on a CPU during the
 * request, minus the median of requests that import nothing): the same import without the
 * time the machine's other work kept workerd waiting.
 * @returns {Promise<{ ms: number, cpuMs: number | undefined }>}
 */
async function importSample(worker, bundle) {
  const running = new Set(workerdChildren());
  const mf = fresh(worker, bundle);
  try {
    const target = await mf.getWorker("target");
    const started = workerdChildren().filter((pid) => !running.has(pid));
    const pid = started.length === 1 ? started[0] : undefined;
    const request = async (path) => {
      const cpuBefore = pid && cpuMs(pid);
      const ms = await timed(target, path);
      return { ms, cpuMs: pid && cpuMs(pid) - cpuBefore };
    };
    const nothing = [];
    for (let i = 0; i < 5; i++) nothing.push(await request("/__noop"));
    const imported = await request("/__import");
    for (let i = 0; i < 5; i++) nothing.push(await request("/__noop"));
    return {
      // The fastest request that does nothing is the dispatch cost least disturbed by the machine.
      ms: Math.max(RESOLUTION_MS, imported.ms - Math.min(...nothing.map((n) => n.ms))),
      cpuMs: pid && Math.max(RESOLUTION_MS, imported.cpuMs - median(nothing.map((n) => n.cpuMs))),
    };
  } finally {
    await mf.dispose();
  }
}

/** A token from cognito-local for the dev client (MyBFF's). */
async function devToken(mf) {
  const cognito = await mf.getWorker("cognito-local");
  const response = await cognito.fetch(`${COGNITO_ORIGIN}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: DEV_CLIENT_ID,
      client_secret: DEV_CLIENT_SECRET,
    }).toString(),
  });
  if (response.status !== 200) throw new Error(`cognito-local's token endpoint answered ${response.status}`);
  return (await response.json()).access_token;
}

/** The key-set requests cognito-local has answered since it started. */
async function keySetRequests(mf) {
  const cognito = await mf.getWorker("cognito-local");
  const response = await cognito.fetch(`${COGNITO_ORIGIN}/_dev/stats`, { headers: COGNITO_LOCAL_DEV_HEADERS });
  return (await response.json()).jwksRequests;
}

/** How long the isolate that fills the shared copy is given for its write (sent through waitUntil, after its answer). */
const SHARE_WRITE_MS = 300;

/**
 * One sample of the first authorized request of a cold isolate, end to end: its ms and the
 * key-set requests it made. With `shared`, an earlier workerd on the same storage serves
 * one authorized request first (and shares the key set), and is gone before the sample's starts.
 */
async function firstRequestSample(worker, bundle, { bindings, shared }) {
  // Every sample on storage of its own, on disk: empty, or what the earlier workerd left.
  const persistTo = mkdtempSync(join(tmpdir(), "bench-location-"));
  try {
    if (shared) {
      const earlier = fresh(worker, bundle, { bindings, persistTo });
      try {
        const target = await earlier.getWorker("target");
        await timed(target, "/weatherforecast", { headers: { Authorization: `Bearer ${await devToken(earlier)}` } });
        await new Promise((resolve) => setTimeout(resolve, SHARE_WRITE_MS));
      } finally {
        await earlier.dispose();
      }
    }
    const mf = fresh(worker, bundle, { bindings, persistTo });
    try {
      // The token comes first, so that cognito-local is warm and only the worker is cold.
      const token = await devToken(mf);
      // So is the location's Cache API: Miniflare's starts on a workerd's first cache
      // operation (firstCacheLookupSample), a location's is always there.
      await (await (await mf.getWorker("router")).fetch("http://127.0.0.1/__warm-cache")).text();
      const before = await keySetRequests(mf);
      const target = await mf.getWorker("target");
      await noops(target);
      const ms = await timed(target, "/weatherforecast", { headers: { Authorization: `Bearer ${token}` } });
      return { ms, keySetRequests: (await keySetRequests(mf)) - before };
    } finally {
      await mf.dispose();
    }
  } finally {
    rmSync(persistTo, { recursive: true, force: true });
  }
}

// A worker that opens the shared key set's cache and looks up an entry that is not there.
const CACHE_LOOKUP = `export default { async fetch(request) {
  if (new URL(request.url).pathname === "/__noop") return new Response("ok");
  await (await caches.open("${SHARED_KEY_SET_CACHE}")).match("https://issuer.example/.well-known/jwks.json");
  return new Response("ok");
} };`;

/**
 * What a fresh workerd's first Cache API lookup costs here, in ms, on an empty cache on
 * disk as the first-request samples have it: in Miniflare the cache is a service of its
 * own that starts on first use, a cost of the local stack that the first-request samples
 * leave out (another worker starts it before the timed request).
 */
async function firstCacheLookupSample() {
  const persistTo = mkdtempSync(join(tmpdir(), "bench-location-"));
  const mf = new Miniflare({ modules: true, script: CACHE_LOOKUP, ...WORKERS_RUNTIME, cachePersist: join(persistTo, "cache") });
  try {
    const target = await mf.getWorker();
    const before = await noops(target);
    const lookup = await timed(target, "/lookup");
    return Math.max(RESOLUTION_MS, lookup - Math.min(...before));
  } finally {
    await mf.dispose();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

/**
 * `wrangler check startup` (it bundles the worker from its config as a deploy does), or
 * why not: an alpha command whose output belongs to wrangler and may change.
 */
function profiled(worker, dir) {
  const outfile = join(dir, `${worker.id}-${Math.random().toString(36).slice(2)}.cpuprofile`);
  try {
    wrangler(["check", "startup", "-c", join(ROOT, worker.config), "--outfile", outfile]);
    return profileCpu(outfile);
  } catch (error) {
    const stderr = error?.stderr?.toString().trim().split("\n").at(-1);
    return { error: (stderr || String(error?.message ?? error).split("\n")[0]).slice(0, 200) };
  }
}

/**
 * @param {{ quick?: boolean, progress?: { step(done: number, total: number, detail?: string): void } }} [options]
 */
export async function startupCosts({ quick = false, progress } = {}) {
  const measuredAt = new Date().toISOString();
  const dir = mkdtempSync(join(tmpdir(), "bench-startup-"));
  const rounds = quick ? 2 : 9;
  const samplesPerRound = quick ? 1 : 3;
  const profileRounds = quick ? 1 : 5;
  const firstRounds = quick ? 1 : 5;
  const steps = WORKERS.length + rounds + profileRounds + firstRounds;
  let done = 0;
  const step = (detail) => progress?.step(done++, steps, detail);
  try {
    const bundles = new Map();
    for (const worker of WORKERS) {
      step(`bundle ${worker.id}`);
      bundles.set(worker.id, build(worker, dir));
    }
    const imports = new Map(WORKERS.map((w) => [w.id, []]));
    const importsCpu = new Map(WORKERS.map((w) => [w.id, []]));
    for (let r = 0; r < rounds; r++) {
      step(`import in a fresh workerd, round ${r + 1} of ${rounds}`);
      const samples = new Map(WORKERS.map((w) => [w.id, []]));
      for (let k = 0; k < samplesPerRound; k++) {
        // Each pass in another order, so that no worker always follows the same one.
        const order = WORKERS.map((_, i) => WORKERS[(i + r + k) % WORKERS.length]);
        for (const w of order) samples.get(w.id).push(await importSample(w, bundles.get(w.id)));
      }
      for (const w of WORKERS) {
        imports.get(w.id).push(median(samples.get(w.id).map((sample) => sample.ms)));
        const cpu = samples.get(w.id).map((sample) => sample.cpuMs);
        importsCpu.get(w.id).push(cpu.every((ms) => ms !== undefined) ? median(cpu) : undefined);
      }
    }
    const cpuMeasured = [...importsCpu.values()].flat().every((ms) => ms !== undefined);
    const profiles = new Map(WORKERS.map((w) => [w.id, []]));
    for (let r = 0; r < profileRounds; r++) {
      step(`wrangler check startup, round ${r + 1} of ${profileRounds}`);
      for (const w of WORKERS) profiles.get(w.id).push(profiled(w, dir));
    }
    const first = new Map(FIRST_REQUEST.map((f) => [f.id, []]));
    const cacheLookups = [];
    for (let r = 0; r < firstRounds; r++) {
      step(`first authorized request of a cold isolate, round ${r + 1} of ${firstRounds}`);
      cacheLookups.push(await firstCacheLookupSample());
      for (const f of r % 2 ? [...FIRST_REQUEST].reverse() : FIRST_REQUEST) {
        const worker = WORKERS.find((w) => w.id === f.worker);
        first.get(f.id).push(await firstRequestSample(worker, bundles.get(f.worker), f));
      }
    }
    const perRound = (values, base) => values.map((v, r) => v / base[r]);
    const plainImports = imports.get("plain");
    const firstMs = (id) => first.get(id).map((sample) => sample.ms);
    const profileErrors = [...profiles.values()].flat().filter((p) => p.error);
    return {
      measuredAt,
      rounds,
      samplesPerRound,
      profileRounds,
      firstRounds,
      checkStartupError: profileErrors[0]?.error,
      rows: WORKERS.map((w) => {
        const { code } = bundles.get(w.id);
        const ok = profiles.get(w.id).filter((p) => !p.error);
        return {
          id: w.id,
          label: w.label,
          rawKiB: round(code.length / 1024, 1),
          gzipKiB: round(gzipSync(code, { level: 9 }).length / 1024, 1),
          importMs: spread(imports.get(w.id)),
          xPlain: spread(perRound(imports.get(w.id), plainImports)),
          // workerd's CPU time for the import, where /proc tells it (null elsewhere).
          importCpuMs: cpuMeasured ? spread(importsCpu.get(w.id)) : null,
          xPlainCpu: cpuMeasured ? spread(perRound(importsCpu.get(w.id), importsCpu.get("plain"))) : null,
          checkStartupMs: ok.length ? round(median(ok.map((p) => p.ms))) : null,
          checkStartupSamples: ok.map((p) => p.samples),
        };
      }),
      firstRequest: FIRST_REQUEST.map((f) => ({
        id: f.id,
        label: f.label,
        ms: spread(firstMs(f.id)),
        xPlain: spread(perRound(firstMs(f.id), firstMs("plain"))),
        // Per sample: the key-set requests cognito-local answered during the request.
        keySetRequests: first.get(f.id).map((sample) => sample.keySetRequests),
      })),
      firstCacheLookupMs: spread(cacheLookups),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
