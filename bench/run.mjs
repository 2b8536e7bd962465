// `npm run bench [-- --quick]`: how much authorization costs, measured here, in one run.
//   1. Verification cost inside workerd, per verification, for this project's verifier
//      (repeated token through the middleware's synchronous cache lookup, distinct
//      tokens), aws-jwt-verify, hono's verifyWithJwks, jose, and the floor (one bare
//      crypto.subtle.verify), in several fresh workerd processes; with the cost of each
//      stage of a distinct token's verification.
//   2. HTTP on loopback (autocannon, alternating runs): MyService with a valid token
//      against the same handler with no auth; MyBFF warm against MyService direct.
//   3. Token economy: K isolates over a simulated lifetime, shared vs per-isolate vs none.
//   4. Startup: MyService, MyBFF and a plain hono + jose Worker, each in a fresh workerd
//      per sample, interleaved (bench/startup.mjs); bundle sizes; a cold isolate's first
//      authorized request, with and without a shared key set.
//   5. What a consumer pays: the size and startup of a Worker that verifies Cognito
//      tokens with this library, with aws-jwt-verify, and with jose (bench/consumers.mjs).
//   6. Token requests across locations (bench/kv-model.mjs); 7. a cold MyBFF isolate's
//      first request (bench/cold-token.mjs); 8. key-set requests across isolates and
//      locations, with and without the shared key set (bench/kv-model.mjs).
// Every ratio is computed within one run (one workerd process, one HTTP round) and
// reported as the median with the range over the runs; a target is met only when
// the worst run meets it. Prints tables and writes bench/results.json and
// bench/RESULTS.md (or, with --out <file>, that file instead of bench/RESULTS.md);
// `--render` writes the report again from bench/results.json without measuring;
// `--only startup` (or `--only key-sets`) runs that stage alone and writes its own section of
// bench/results.json and bench/RESULTS.md, the other sections kept as they were (each carries
// its date); with --quick it prints a few samples and writes nothing.
// --quick is a smoke check of the harness: it says so, judges no target and writes nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import autocannon from "autocannon";
import { Miniflare } from "miniflare";
import { buildWorker } from "../scripts/build-workers.mjs";
import { WORKERS_RUNTIME } from "../scripts/dev-settings.mjs";
import { writeFigureBlocks } from "../scripts/figure-blocks.mjs";
import { ROOT, startStack } from "../scripts/local-stack.mjs";
import { createProgress, silentProgress } from "../scripts/progress.mjs";
import { machine } from "../scripts/reliability/machine.mjs";
import { coldTokenLatency } from "./cold-token.mjs";
import { consumerCosts } from "./consumers.mjs";
import { keySetRequestsAcrossLocations, tokenRequestsAcrossLocations } from "./kv-model.mjs";
import { locationsSvg } from "./locations-plot.mjs";
import { startupCosts } from "./startup.mjs";

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
/** Median and range of per-run values. */
const spread = (values, digits = 2) => ({
  median: round(median(values), digits),
  min: round(Math.min(...values), digits),
  max: round(Math.max(...values), digits),
  runs: values.map((v) => round(v, digits)),
});

const IMPLEMENTATIONS = [
  { impl: "ours", mode: "repeated", label: "this project, repeated token (middleware: synchronous cache hit)" },
  { impl: "ours", mode: "distinct", label: "this project, distinct tokens" },
  { impl: "aws-jwt-verify", mode: "distinct", label: "aws-jwt-verify (Web Crypto, cacheJwks)" },
  { impl: "hono", mode: "distinct", label: "hono verifyWithJwks (keys given)" },
  { impl: "jose", mode: "distinct", label: "jose jwtVerify + createLocalJWKSet" },
  { impl: "floor", mode: "distinct", label: "floor: bare crypto.subtle.verify" },
];
const PEERS = ["aws-jwt-verify", "hono", "jose"];
// bench/worker/src/index.ts runs the warm-up and the stages on the first 5,000 tokens
// of the pool; the distinct-token samples take the tokens after them.
const WARMUP_TOKENS = 5000;
// Verifications of each implementation before any sample: past V8's tier-up to optimized
// code (bench/worker/src/index.ts, warmup).
const WARMUP_PASSES = 8;
const REPEATED_FACTOR = 100; // the repeated token runs n x this, so its request lasts long enough to time

/** Per run (one workerd process): each implementation's median µs over the rounds, and the stage costs. */
async function verificationProcess({ quick, withEconomy }) {
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(ROOT, ".build/bench/index.js"),
    ...WORKERS_RUNTIME,
    kvNamespaces: { BENCH_KV: "bench-kv" },
  });
  try {
    const worker = await mf.getWorker();
    const call = async (path) => {
      const started = performance.now();
      const response = await worker.fetch(`http://bench${path}`);
      const body = await response.text();
      if (!response.ok) throw new Error(`${path}: ${response.status} ${body}`);
      return { ms: performance.now() - started, body };
    };
    /** µs per operation: a request that runs `count` of them, minus one that runs none. */
    const perOperation = async (path, count) => {
      const base = await call(`${path}&n=0`);
      const timed = await call(`${path}&n=${count}`);
      return ((timed.ms - base.ms) * 1000) / count;
    };
    const n = quick ? 200 : 2000;
    const rounds = quick ? 3 : 11;
    // Every distinct-token sample takes n tokens never verified before in this process.
    await call(`/setup?tokens=${WARMUP_TOKENS + rounds * n}`);
    await call(`/warmup?passes=${quick ? 1 : WARMUP_PASSES}`);
    const samples = new Map(IMPLEMENTATIONS.map((c) => [c.label, []]));
    const stageNames = JSON.parse((await call("/stages")).body);
    const stageSamples = new Map(stageNames.map((name) => [name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const c of IMPLEMENTATIONS) {
        const count = c.impl === "ours" && c.mode === "repeated" ? n * REPEATED_FACTOR : n;
        samples.get(c.label).push(await perOperation(`/run?impl=${c.impl}&mode=${c.mode}`, count));
      }
      for (const name of stageNames) stageSamples.get(name).push(await perOperation(`/stage?name=${name}`, n));
    }
    const micros = Object.fromEntries(IMPLEMENTATIONS.map((c) => [`${c.impl}/${c.mode}`, median(samples.get(c.label))]));
    const stages = Object.fromEntries(stageNames.map((name) => [name, median(stageSamples.get(name))]));
    const economy = withEconomy ? JSON.parse((await call(`/economy?isolates=8&requests=${quick ? 600 : 4000}&hours=3`)).body) : undefined;
    return { micros, stages, rounds, n, economy, warmup: WARMUP_TOKENS * (quick ? 1 : WARMUP_PASSES) };
  } finally {
    await mf.dispose();
  }
}

async function verificationCost(quick, progress) {
  const processes = 3;
  const runs = [];
  for (let p = 0; p < processes; p++) {
    progress.step(p, processes, `workerd process ${p + 1} of ${processes}`);
    runs.push(await verificationProcess({ quick, withEconomy: p === 0 }));
  }
  const rows = IMPLEMENTATIONS.map((c) => {
    const key = `${c.impl}/${c.mode}`;
    const s = spread(runs.map((run) => run.micros[key]));
    return {
      ...c,
      microseconds: s.median,
      range: [s.min, s.max],
      runs: s.runs,
      xFloor: spread(runs.map((run) => run.micros[key] / run.micros["floor/distinct"])),
    };
  });
  const stages = Object.keys(runs[0].stages).map((name) => {
    const s = spread(runs.map((run) => run.stages[name]));
    return { stage: name, microseconds: s.median, range: [s.min, s.max] };
  });
  // Ratios within each run, then their spread over the runs.
  const ratios = {
    ...Object.fromEntries(
      PEERS.map((peer) => [
        `repeated vs ${peer}`,
        spread(
          runs.map((run) => run.micros[`${peer}/distinct`] / run.micros["ours/repeated"]),
          1,
        ),
      ]),
    ),
    ...Object.fromEntries(
      PEERS.map((peer) => [`distinct vs ${peer}`, spread(runs.map((run) => run.micros[`${peer}/distinct`] / run.micros["ours/distinct"]))]),
    ),
    "distinct vs floor": spread(runs.map((run) => run.micros["ours/distinct"] / run.micros["floor/distinct"])),
  };
  return {
    processes,
    rounds: runs[0].rounds,
    n: runs[0].n,
    warmup: runs[0].warmup,
    repeatedFactor: REPEATED_FACTOR,
    rows,
    stages,
    ratios,
    economy: runs[0].economy,
  };
}

function load(url, headers, seconds) {
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, connections: 20, duration: seconds }, (error, result) => {
      if (error) return reject(error);
      resolve({
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
      });
    });
  });
}

async function http(quick, progress) {
  const stateDir = mkdtempSync(join(tmpdir(), "bench-"));
  const stack = await startStack({
    ports: { cognito: 20789, service: 20787, bff: 20788 },
    persistTo: join(stateDir, "state"),
    env: { WRANGLER_REGISTRY_PATH: join(stateDir, "registry") },
    // MyService's twin: the real app plus the same handler without authorization.
    serviceConfig: "bench/service-twin/wrangler.toml",
    // A load run from one address: MyBFF's per-address rate limit would answer 429.
    extraVars: { bff: { RATE_LIMIT: "off" } },
  });
  const { urls } = stack;
  try {
    const token = (
      await (
        await fetch(`${urls.cognito}/oauth2/token`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "client_credentials",
            client_id: "xe5xuz3azyo3g47nj1p5m3h2w6",
            client_secret: /CLIENT_SECRET_MyBFF="([^"]+)"/.exec(
              readFileSync(join(ROOT, "workers/cognito-local/.dev.vars.example"), "utf8"),
            )[1],
          }),
        })
      ).json()
    ).access_token;
    await fetch(`${urls.cognito}/_dev/stats/reset`, { method: "POST", headers: { "X-Cognito-Local-Dev": "1" } }); // count MyBFF's token requests only
    await fetch(`${urls.bff}/weatherforecast`); // warm: the BFF's token is cached from here on
    const auth = { Authorization: `Bearer ${token}` };
    const pairs = [
      ["MyService /weatherforecast, valid token", `${urls.service}/weatherforecast`, auth],
      ["MyService, same handler without auth", `${urls.service}/bench/weatherforecast-unauthenticated`, {}],
      ["MyBFF /weatherforecast, warm", `${urls.bff}/weatherforecast`, {}],
      ["MyService /weatherforecast direct, valid token", `${urls.service}/weatherforecast`, auth],
    ];
    const seconds = quick ? 1 : 5;
    const rounds = quick ? 1 : 5;
    const samples = new Map(pairs.map(([label]) => [label, []]));
    for (let r = 0; r < rounds; r++) {
      for (const [i, [label, url, headers]] of pairs.entries()) {
        progress.step(r * pairs.length + i, rounds * pairs.length, `round ${r + 1} of ${rounds}: ${label}`);
        samples.get(label).push(await load(url, headers, seconds));
      }
    }
    const tokenRequests = (await (await fetch(`${urls.cognito}/_dev/stats`, { headers: { "X-Cognito-Local-Dev": "1" } })).json())
      .tokensIssuedTotal;
    const rows = pairs.map(([label]) => {
      const runs = samples.get(label);
      return {
        label,
        rps: round(median(runs.map((s) => s.rps)), 0),
        p50: median(runs.map((s) => s.p50)),
        p99: median(runs.map((s) => s.p99)),
        non2xx: runs.reduce((n, s) => n + s.non2xx, 0),
        errors: runs.reduce((n, s) => n + s.errors, 0),
        runs: runs.map((s) => round(s.rps, 0)),
      };
    });
    // The ratio within each round (the runs of a round follow each other), then its spread.
    const authRuns = samples.get(pairs[0][0]);
    const openRuns = samples.get(pairs[1][0]);
    const authVsOpen = spread(authRuns.map((s, r) => s.rps / openRuns[r].rps));
    return { rows, seconds, rounds, connections: 20, bffTokenRequestsDuringLoad: tokenRequests, authVsOpen };
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** The stages of a run, with their expected seconds (for the time left shown while it runs). */
function stagesOf(quick) {
  return [
    { id: "build", label: "bundle the workers", seconds: 15 },
    { id: "verification", label: "verification in workerd", seconds: quick ? 15 : 75 },
    { id: "http", label: "HTTP on loopback", seconds: quick ? 25 : 115 },
    { id: "startup", label: "startup against a plain Worker, in fresh workerd processes", seconds: quick ? 45 : 240 },
    { id: "consumers", label: "consumer Workers: size and startup", seconds: quick ? 12 : 25 },
    { id: "cold-token", label: "a cold isolate's first request, by where its token comes from", seconds: quick ? 5 : 20 },
    { id: "locations", label: "token requests across locations (KV model)", seconds: quick ? 20 : 900 },
    { id: "key-sets", label: "key-set requests across isolates and locations (model)", seconds: quick ? 10 : 80 },
  ];
}

/** The key-set model's run: 1, 10 and 50 locations (300 take minutes each and say nothing more: the requests grow with the locations). */
const keySetsRun = (quick, progress) =>
  keySetRequestsAcrossLocations({
    seeds: quick ? 1 : 3,
    locationCounts: quick ? [1, 10] : [1, 10, 50],
    onStep: (done, total, detail) => progress.step(done, total, detail),
  });

/**
 * @param {{ quick?: boolean, progress?: ReturnType<typeof createProgress> }} [options]
 */
export async function runBench({ quick = false, progress = silentProgress } = {}) {
  const started = Date.now();
  const startedOn = machine();
  progress.start("build");
  // Every worker a stage starts from its bundle (cold-token.mjs starts cognito-local too).
  const builds = ["bench", "service", "bff", "cognito-local"];
  for (const [i, worker] of builds.entries()) {
    progress.step(i, builds.length, worker);
    buildWorker(worker);
  }
  progress.start("verification");
  const verification = await verificationCost(quick, progress);
  progress.start("http");
  const httpResults = await http(quick, progress);
  progress.start("startup");
  const startup = await startupCosts({ quick, progress });
  progress.start("consumers");
  const consumers = await consumerCosts({ quick, progress });
  progress.start("cold-token");
  const coldToken = await coldTokenLatency({ runs: quick ? 1 : 5, onStep: (done, total, detail) => progress.step(done, total, detail) });
  progress.start("locations");
  // --quick checks the model on small cases only; the full run takes minutes at 300 locations.
  const locations = await tokenRequestsAcrossLocations({
    seeds: quick ? 1 : 3,
    locationCounts: quick ? [1, 10] : [1, 10, 50, 300],
    onStep: (done, total, detail) => progress.step(done, total, detail),
  });
  progress.start("key-sets");
  const keySets = await keySetsRun(quick, progress);
  return {
    machine: startedOn,
    loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
    quick,
    durationSeconds: round((Date.now() - started) / 1000, 0),
    verification,
    http: httpResults,
    startup,
    consumers,
    coldToken,
    locations,
    keySets,
  };
}

/**
 * The targets. A ratio measured in several runs is met only when its worst run meets it.
 * A --quick run judges none (`met: null`): its few samples measure nothing.
 * @returns {{ targets: { what: string, median: number, range?: [number, number], worst: number, target: number, met: boolean | null }[] }}
 */
function report(results) {
  const r = results.verification.ratios;
  const judged = (met) => (results.quick ? null : met);
  const meets = {
    ">=": (a, b) => judged(a >= b),
    ">": (a, b) => judged(a > b),
    "<=": (a, b) => judged(a <= b),
    "<": (a, b) => judged(a < b),
  };
  const ranged = (what, s, target, op) => {
    const worst = op === "<=" ? s.max : s.min;
    return { what, median: s.median, range: [s.min, s.max], worst, target, met: meets[op](worst, target) };
  };
  const single = (what, value, target, op) => ({ what, median: value, worst: value, target, met: meets[op](value, target) });
  const ours = results.consumers.find((c) => c.id === "ours");
  const others = results.consumers.filter((c) => c.id !== "ours");
  const targets = [
    ...PEERS.map((peer) => ranged(`repeated token: at least 50x the throughput of ${peer}`, r[`repeated vs ${peer}`], 50, ">=")),
    ranged("distinct tokens: within 1.5x of the bare crypto.subtle.verify floor", r["distinct vs floor"], 1.5, "<="),
    // Faster: the peer's time over ours above 1 in every run (an older results.json has no such ratio).
    ...PEERS.filter((peer) => r[`distinct vs ${peer}`]).map((peer) =>
      ranged(`distinct tokens: faster than ${peer} (its time over ours)`, r[`distinct vs ${peer}`], 1, ">"),
    ),
    ranged("authorized GET /weatherforecast: at least 0.97x the req/s without auth (per round)", results.http.authVsOpen, 0.97, ">="),
    single("MyBFF token requests for the whole HTTP run (warm-up included)", results.http.bffTokenRequestsDuringLoad, 1, "<="),
    ...startupTargets(results.startup, ranged, single),
    single(
      "consumer Worker on edge-cc-auth: the smallest of the three (KiB gzip, minified)",
      ours.minifiedGzipKiB,
      Math.min(...others.map((c) => c.minifiedGzipKiB)),
      "<",
    ),
  ];
  return { targets };
}

/** MyService's and MyBFF's startup against the plain Worker's (every round), and their bundles. */
function startupTargets(startup, ranged, single) {
  if (!startup) return []; // a results.json written before the startup stage
  return startup.rows
    .filter((w) => w.id !== "plain")
    .flatMap((w) => [
      ranged(`${w.label} startup: within 1.5x of the plain hono + jose Worker's (per round)`, w.xPlain, 1.5, "<="),
      single(`${w.label} bundle under 300 KiB gzip`, w.gzipKiB, 300, "<="),
    ]);
}

const row = (cells) => `| ${cells.join(" | ")} |`;
const range = (r) => (r ? `${r[0]} to ${r[1]}` : "-");

/**
 * A stage's cost is a difference of two timings: under this many µs it is noise, and may
 * even come out negative; it is shown as below resolution, never as a negative cost.
 */
const RESOLUTION_US = 0.2;
const stageCost = (us) => (us < RESOLUTION_US ? `below resolution (< ${RESOLUTION_US})` : us);
const stageRange = (r) =>
  r ? `${r[0] < RESOLUTION_US ? `< ${RESOLUTION_US}` : r[0]} to ${r[1] < RESOLUTION_US ? `< ${RESOLUTION_US}` : r[1]}` : "-";

const RERUN_SECTIONS = { startup: "Section 4 (startup)", keySets: "Section 8 (key-set requests)" };

/** The sections rerun alone since the full run (`--only`), when and under what load. */
function rerunsNote(reruns) {
  if (!reruns) return "";
  return Object.entries(reruns)
    .map(
      ([key, r]) =>
        ` ${RERUN_SECTIONS[key] ?? key} was rerun alone on ${r.date.slice(0, 10)} (${r.date}; load average ${r.loadAverage.join(", ")} when it started).`,
    )
    .join("");
}

function markdown(results, summary) {
  const m = results.machine;
  const v = results.verification;
  const floor = v.rows.find((r) => r.impl === "floor").microseconds;
  const distinct = v.rows.find((r) => r.impl === "ours" && r.mode === "distinct").microseconds;
  const stageSum = round(
    v.stages.reduce((sum, s) => sum + s.microseconds, 0),
    2,
  );
  const x = v.economy;
  const monthly = (requests) => round(((requests / x.simulatedHours) * 24 * 30 * 2.25) / 1000, 2);
  return `# Benchmarks

Measured by \`npm run bench\`${results.quick ? " --quick" : ""} on ${m.date.slice(0, 10)} (${m.date}) on this project's
development machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, workerd ${m.workerd}
(wrangler ${m.wrangler}); load average ${m.loadAverage.join(", ")} (1, 5, 15 min) when it started and
${results.loadAverageAtEnd.join(", ")} when it ended. The run took ${results.durationSeconds} s.${rerunsNote(results.stageReruns)} These machines are shared
and noisy: read the ratios, each measured within one run, rather than the absolute times.

Each ratio is measured in every run (the verification section runs in ${v.processes} fresh workerd
processes; the HTTP section in ${results.http.rounds} alternating rounds) and given as the median with the range
over the runs. A target is met only when its worst run meets it.

## Targets

${row(["target", "median", "range over the runs", "worst run", "met"])}
${row(["---", "---", "---", "---", "---"])}
${summary.targets.map((t) => row([t.what, t.median, range(t.range), t.worst, t.met ? "yes" : "**no**"])).join("\n")}

## 1. Verification cost inside workerd

Same Cognito-shaped RS256 token(s) (2048-bit key), keys already in memory. Method:
workerd does not advance its clock during pure computation, so each figure is the
wall time (from Node) of a request that runs N verifications minus one that runs
none, divided by N; per process, the median of ${v.rounds} rounds with the implementations
interleaved in each round; then the median and range of the ${v.processes} processes' figures.
N = ${v.n} (x${v.repeatedFactor} for the repeated token). Before the first sample, every implementation
verifies ${v.warmup ?? 0} times, on ${WARMUP_TOKENS} warm-up tokens that no sample uses: V8 compiled this project's
verifier's helpers fully (TurboFan) only after about 17,000 verifications (seen with V8's --trace-opt), and
without the warm-up the rounds measured a mix of both compilations, differently in each process.
Distinct tokens are new to the verifier each time:
each implementation walks a pool of ${v.rounds * v.n} tokens once per process, and no token comes back
(a token that came back within the last 1,000 could be a hit in this project's verified-token
cache, which is full from the warm-up on and makes room for each new token). The repeated token takes the middleware's path: a synchronous
lookup in the verified-token cache (time window and key-set freshness still checked),
with no promise and no await; the peers have no such cache, and verify it in full.

${row(["implementation", "µs per verification (median)", "range", "x floor (median, range)"])}
${row(["---", "---", "---", "---"])}
${v.rows.map((r) => row([r.label, r.microseconds, range(r.range), `${r.xFloor.median} (${r.xFloor.min} to ${r.xFloor.max})`])).join("\n")}

### Where a distinct token's time goes

Each stage of this project's verification of a distinct token, timed alone the same way
(a request that runs it N times on N different tokens, minus one that runs it none),
median and range over the processes:

${row(["stage", "what it does", "µs (median)", "range"])}
${row(["---", "---", "---", "---"])}
${v.stages.map((s) => row([s.stage, STAGE_TEXT[s.stage] ?? "", stageCost(s.microseconds), stageRange(s.range)])).join("\n")}
${row(["sum of the stages", "", stageSum, ""])}
${row(["whole verification (above)", "", distinct, ""])}
${row(["floor (one crypto.subtle.verify)", "", floor, ""])}

What the stages do not account for (the whole minus their sum) is the calls and the
promise hops between them. A stage under ${RESOLUTION_US} µs is below what this method can
resolve, and is shown as such.
${SCRATCH_BUFFERS}## 2. HTTP on loopback

\`wrangler dev\` stack (as \`npm run dev\`), autocannon ${results.http.connections} connections, ${results.http.seconds} s per run,
${results.http.rounds} rounds alternating the four runs; medians. All workers, wrangler's proxies and
autocannon share the ${m.cores} cores.

${row(["run", "req/s (median)", "p50 ms", "p99 ms", "non-2xx", "req/s of each round"])}
${row(["---", "---", "---", "---", "---", "---"])}
${results.http.rows.map((r) => row([r.label, r.rps, r.p50, r.p99, r.non2xx + r.errors, r.runs.join(", ")])).join("\n")}

Authorized against unauthorized req/s, round by round: ${results.http.authVsOpen.runs.join(", ")}.
MyBFF's token requests at cognito-local for the whole HTTP run, its warm-up included:
${results.http.bffTokenRequestsDuringLoad}. MyBFF reaches MyService through its service binding, which \`wrangler dev\`
carries across processes through its dev registry: locally that hop costs far more
than the in-process call a deployed binding is, so the MyBFF row measures the local
stack more than the BFF.

## 3. Token economy

${x.isolates} isolates serve ${x.requests.toLocaleString("en")} requests spread over ${x.simulatedHours} simulated hours, with
1-hour tokens (simulated clock; the caches are this project's, with the real KV binding):

${row(["strategy", "token requests"])}
${row(["---", "---"])}
${row(["this project: memory, then KV shared by every isolate", x.tokenRequests.shared])}
${row(["a per-isolate cache (the post's IMemoryCache, on Workers)", x.tokenRequests.perIsolate])}
${row(["no cache", x.tokenRequests.none])}

At Cognito's $2.25 per 1,000 client-credentials token requests, that is
$${monthly(x.tokenRequests.shared)}, $${monthly(x.tokenRequests.perIsolate)} and $${monthly(x.tokenRequests.none)} a month at this rate of ${Math.round(x.requests / x.simulatedHours)} requests an hour.

${startupSection(results.startup)}
## 5. What a consumer pays

Three Workers with the same behaviour (\`bench/consumers/\`: verify the bearer token as a
Cognito access token of one pool and one client, answer 200 with its client or 401),
each bundled by wrangler (\`wrangler deploy --dry-run\`, a config of its own) in this run.
Sizes are wrangler's own figures, as a deploy prints them. Startup: \`wrangler check
startup\` (a CPU profile of the bundle's import in workerd; median of its runs, and the
samples each run caught) and, because workerd's profiler samples far too rarely for
bundles this small, the wall time of that same import in a fresh workerd measured
from Node (median and range over the processes).

${row(["Worker verifying with", "KiB", "KiB gzip", "KiB minified", "KiB gzip, minified", "wrangler check startup: ms (samples per run)", "import ms (median, range)"])}
${row(["---", "---", "---", "---", "---", "---", "---"])}
${results.consumers.map((c) => row([c.label, c.rawKiB, c.gzipKiB, c.minifiedRawKiB, c.minifiedGzipKiB, `${c.startupProfileMs} (${c.startupProfileSamples.join(", ")})`, `${c.importMs} (${range(c.importMsRange)})`])).join("\n")}
${results.locations ? locationsSection(results.locations) : ""}${results.coldToken ? coldTokenSection(results.coldToken) : ""}${keySetsSection(results.keySets)}`;
}

/**
 * Why the scratch buffers stay: the finding of the one ablation run (2026-12-05), whose
 * harness is gone; static text, since nothing measures it any more.
 */
const SCRATCH_BUFFERS = `
### Why the scratch buffers stay

The verifier decodes each token's segments into buffers it reuses rather than into fresh
arrays. In the ablation of 2026-12-05 (the stage table above measured in a full run of the code
with fresh arrays; the ablation's harness has been removed since), the parse stage took 10.95 µs
with fresh arrays against 3.94 µs with the buffers (the full run of that day, committed in
572f4ac): more than 5 % of a new token's time, and the run with fresh arrays missed the 1.5x
and jose targets. They stay, and the signature's decoding sits next to
crypto.subtle.verify, so that no caller code runs between them.
`;

/** Section 4's first table: sizes, startup (wall, and workerd's CPU where measured), wrangler check startup. */
function startupTable(st) {
  const s = (x) => `${x.median} (${x.min} to ${x.max})`;
  const profile = (w) => (w.checkStartupMs === null ? "-" : `${w.checkStartupMs} (${w.checkStartupSamples.join(", ")})`);
  const cpu = Boolean(st.rows[0].importCpuMs);
  const head = [
    "Worker",
    "bundle raw KiB",
    "bundle gzip KiB",
    "startup ms (median, range)",
    "x plain (median, range)",
    ...(cpu ? ["CPU ms (median, range)", "CPU x plain (median, range)"] : []),
    "wrangler check startup: ms (samples per run)",
  ];
  return [
    row(head),
    row(head.map(() => "---")),
    ...st.rows.map((w) =>
      row([w.label, w.rawKiB, w.gzipKiB, s(w.importMs), s(w.xPlain), ...(cpu ? [s(w.importCpuMs), s(w.xPlainCpu)] : []), profile(w)]),
    ),
  ].join("\n");
}

/** Section 4: startup against a plain Worker (bench/startup.mjs). */
function startupSection(st) {
  if (!st) return "## 4. Startup\n\nNot measured in this run (a results.json from before the startup stage).\n";
  const s = (x) => `${x.median} (${x.min} to ${x.max})`;
  // Runs before the median of several samples per round have one sample a round.
  const perRound = st.samplesPerRound ?? 1;
  const roundFigure =
    perRound > 1
      ? `In each of ${st.rounds} rounds every Worker is started ${perRound} times, the three interleaved (each pass in
another order), and the round's figure for a Worker is the median of its ${perRound} samples: one sample of about
3 ms is decided by a single scheduler hiccup of a shared machine, and the median of a few keeps
every sample's cost (it picks one of them) while no single hiccup decides the round`
      : `The three Workers are interleaved in each of ${st.rounds} rounds, one sample each`;
  return `## 4. Startup

What every new isolate pays before its first answer, against a plain hono + jose Worker
with the same \`GET /weatherforecast\` (\`bench/plain-worker/\`). Measured ${st.measuredAt.slice(0, 10)} (${st.measuredAt}) by
\`bench/startup.mjs\` (\`node bench/run.mjs --only startup\` reruns this section alone). Each Worker is bundled by wrangler as a deploy would (\`wrangler deploy --dry-run
--outdir\`); gzip is level 9 of that bundle. Startup: in a fresh workerd per sample, a wrapper
module imports the bundle on its first request, timed from Node, minus the time of requests that
import nothing (workerd does not advance its own clock while it computes). ${roundFigure}. "x plain" is each round's figure over the plain Worker's in
the same round, median and range over the rounds.${
    st.rows[0].importCpuMs
      ? ` The same samples give workerd's CPU time for the import ("CPU"): the time its threads ran on a
CPU during the request (Linux \`/proc/<pid>/task/*/schedstat\`), minus the median of requests that import
nothing; it is the same work without the time the machine's other processes kept workerd waiting, which the
wall time includes. The target is judged on the wall time.`
      : ""
  } \`wrangler check startup\` is workerd's CPU profile
of the import of the bundle it builds from the same config, median of ${st.profileRounds} runs with the samples each caught (its sampling is
too coarse for small bundles)${st.checkStartupError ? `; in this run it failed: ${st.checkStartupError}` : ""}.

${startupTable(st)}

The first authorized \`GET /weatherforecast\` of a cold isolate, end to end: in a fresh workerd
per sample (cognito-local already warm), the bundle's import, the key set (fetched from
cognito-local, or read from the location's cache), the verification and the answer, timed from
Node; ${st.firstRounds} samples each, alternating. "A later isolate of the location" starts on the Cache API
storage (Miniflare's, on disk) of an earlier workerd that served one authorized request and
shared the key set, and is gone before it starts; the key-set requests are those cognito-local
answered during the timed request.

${row(["Worker", "ms (median, range)", "x plain (median, range)", "key-set requests per sample"])}
${row(["---", "---", "---", "---"])}
${st.firstRequest.map((w) => row([w.label, s(w.ms), s(w.xPlain), w.keySetRequests ? w.keySetRequests.join(", ") : "-"])).join("\n")}
${
  st.firstCacheLookupMs
    ? `
Only the worker is cold in these samples: cognito-local has issued the token, and Miniflare's
cache service is running (another worker of the same workerd looked something up first), as a
location's cache always is. In Miniflare the Cache API is a service of its own that a workerd
process starts on its first cache operation: a fresh workerd's first lookup of an entry that is
not there took ${s(st.firstCacheLookupMs)} ms here (same method and storage, ${st.firstCacheLookupMs.runs.length} samples), which the rows
leave out. Against sharing off, a location's first isolate adds a cache lookup that misses before
its fetch; a later isolate reads and authenticates the copy instead of fetching. Locally the
key-set fetch is a call to cognito-local in the same process, far cheaper than a round trip to
Cognito, so the saving shows here as the key-set request that is not made rather than as time.
`
    : ""
}
Swagger UI (/docs) is served as static assets and is not in the bundles.
`;
}

/** Section 7: a cold MyBFF isolate's first request (bench/cold-token.mjs). */
function coldTokenSection(c) {
  return `
## 7. A cold isolate's first request

Measured ${c.measuredAt ? `${c.measuredAt.slice(0, 10)} (${c.measuredAt})` : "in this run"} by \`bench/cold-token.mjs\`: in each of ${c.runs} fresh Miniflare
processes, the first \`GET /weatherforecast\` of three cold MyBFF isolates (MyService already
warm), timed from Node; median and range over the processes. All on loopback: in production
the coordinator lives in one location, so a miss far from it adds a round trip to that location,
and renewals go through \`waitUntil\`, off every request's path.

${row(["where the token comes from", "ms (median)", "range"])}
${row(["---", "---", "---"])}
${c.rows.map((r) => row([r.label, r.ms, range(r.range)])).join("\n")}
`;
}

/** Section 6: the KV model (bench/kv-model.mjs), its table and its plot. */
function locationsSection(l) {
  const counts = [...new Set(l.rows.map((r) => r.locations))].sort((a, b) => a - b);
  const strategies = [...new Set(l.rows.map((r) => r.strategy))];
  const cell = (strategy, n) => {
    const r = l.rows.find((x) => x.strategy === strategy && x.locations === n);
    const f = (v) => round(v, 2).toLocaleString("en");
    return r.perLifetime.min === r.perLifetime.max
      ? f(r.perLifetime.median)
      : `${f(r.perLifetime.median)} (${f(r.perLifetime.min)} to ${f(r.perLifetime.max)})`;
  };
  return `
## 6. Token requests across locations

Measured ${l.measuredAt.slice(0, 10)} (${l.measuredAt}, ${l.seconds} s) by \`bench/kv-model.mjs\`: a model of Workers
KV's consistency (each location caches what it read, a missing key included, for ${l.cacheTtlMs / 1000} s; a write
is seen at once where it was made and elsewhere when the cached copy times out; one
write per second per key) driving this project's real \`ClientCredentialsTokenCache\`
and token coordinator on a simulated clock. The code names the Cloudflare page each
behaviour comes from. ${l.isolatesPerLocation} isolates per location, each serving a request every
${l.requestEveryMs / 1000} s, ${l.hours} simulated hours of ${l.tokenLifetimeHours}-hour tokens. One assumption is not from Cloudflare's
pages: an isolate is replaced by a cold one after ${l.isolateLifetimeMs / 60_000} minutes on average (Cloudflare does not
document isolate lifetimes). Token requests per token lifetime, median and range over
${l.seeds} seeds (one seed at ${counts.at(-1)} locations):

${row(["strategy", ...counts.map((n) => `${n} location${n === 1 ? "" : "s"}`)])}
${row(["---", ...counts.map(() => "---")])}
${strategies.map((s) => row([l.rows.find((r) => r.strategy === s).label, ...counts.map((n) => cell(s, n))])).join("\n")}

![Token requests per token lifetime against locations](token-requests-per-lifetime.svg)

A token renewed 75 % to 85 % into its life makes about 1.3 requests per lifetime at
best. The coordinator lives in one place: in production a miss far from it pays a
round trip to that location, which is why renewals go through \`waitUntil\` and are
never on a request's path.
`;
}

/** Section 8: key-set requests across isolates and locations (bench/kv-model.mjs). */
function keySetsSection(k) {
  if (!k) return "";
  const counts = [...new Set(k.rows.map((r) => r.locations))].sort((a, b) => a - b);
  const strategies = [...new Set(k.rows.map((r) => r.strategy))];
  const cell = (strategy, n) => {
    const r = k.rows.find((x) => x.strategy === strategy && x.locations === n);
    const f = (v) => round(v, 1).toLocaleString("en");
    return r.perHour.min === r.perHour.max ? f(r.perHour.median) : `${f(r.perHour.median)} (${f(r.perHour.min)} to ${f(r.perHour.max)})`;
  };
  return `
## 8. Key-set requests across isolates and locations

Measured ${k.measuredAt.slice(0, 10)} (${k.measuredAt}, ${k.seconds} s) by \`bench/kv-model.mjs\` (\`node bench/run.mjs --only key-sets\`
reruns this section alone): this project's real \`RemoteJwks\` (the verifier's key set) in ${k.isolatesPerLocation} isolates per location, each
checking a token every ${k.requestEveryMs / 1000} s for ${k.hours} simulated hours, an isolate replaced by a cold one after ${k.isolateLifetimeMs / 60_000} minutes on average
(the same assumption as section 6); the key-set URL counts the requests. With the shared key set, each location's
Cache API is one store that all its isolates see at once and that no other location sees (Cloudflare: "the
contents of the cache do not replicate outside of the originating data center",
https://developers.cloudflare.com/workers/runtime-apis/cache/). Key-set requests per hour, median and
range over ${k.seeds} seed${k.seeds === 1 ? "" : "s"}:

${row(["strategy", ...counts.map((n) => `${n} location${n === 1 ? "" : "s"}`)])}
${row(["---", ...counts.map(() => "---")])}
${strategies.map((s) => row([k.rows.find((r) => r.strategy === s).label, ...counts.map((n) => cell(s, n))])).join("\n")}

Both grow with the locations: the Cache API is per location, so each location fetches the set
itself. What sharing removes is the request of every new isolate of a location while the
location's copy is fresh.
`;
}

const STAGE_TEXT = {
  parse:
    "length, three segments, canonical base64url; the header (JSON, duplicate names, alg, kid, forbidden parameters) and the payload (strict UTF-8, JSON, duplicate names), each decoded into a reused buffer",
  key: "the issuer's key set (chosen by iss), its imported key for alg and kid",
  signature: "the signature and signed bytes decoded into reused buffers, crypto.subtle.verify, then the key set's freshness check",
  claims: "registered claims' types, issuer, lifetime, time window; token_use, client_id, scopes; the claims frozen",
  cache: "the verified-token cache, full: the lookup that misses, then the verdict remembered (the oldest unused entry makes room)",
};

const QUICK_NOTICE =
  "--quick: a smoke check that the harness runs end to end, not a measurement. Its figures come from a few samples and mean nothing; no target is judged and nothing is written. Run `npm run bench` for figures.";

/** The startup stage's tables (bench/startup.mjs), for console.table. */
function startupTables(st) {
  return [
    st.rows.map((w) => ({
      worker: w.label,
      "KiB gzip": w.gzipKiB,
      "startup ms": w.importMs.median,
      "x plain": w.xPlain.median,
      "x plain range": `${w.xPlain.min} to ${w.xPlain.max}`,
      "CPU x plain": w.xPlainCpu ? `${w.xPlainCpu.median} (${w.xPlainCpu.min} to ${w.xPlainCpu.max})` : "-",
      "check startup ms": w.checkStartupMs ?? (st.checkStartupError ? `not available: ${st.checkStartupError}` : "-"),
    })),
    st.firstRequest.map((w) => ({
      "first authorized request": w.label,
      ms: w.ms.median,
      "x plain": w.xPlain.median,
      "key-set requests": (w.keySetRequests ?? []).join(", "),
    })),
  ];
}

/** The key-set model's table (bench/kv-model.mjs), for console.table. */
function keySetsTable(k) {
  return k.rows.map((r) => ({ strategy: r.strategy, locations: r.locations, "key-set requests per hour": round(r.perHour.median, 1) }));
}

/** What a run prints: console.table's rows, one list per table. A stage's cost is never printed below resolution. */
function tables(results, summary) {
  return [
    results.verification.rows.map((r) => ({ implementation: r.label, "µs (median)": r.microseconds, range: range(r.range) })),
    results.verification.stages.map((s) => ({ stage: s.stage, "µs (median)": stageCost(s.microseconds), range: stageRange(s.range) })),
    results.http.rows.map((r) => ({ run: r.label, "req/s": r.rps, p50: r.p50, p99: r.p99 })),
    results.consumers.map((c) => ({
      consumer: c.label,
      "KiB gzip": c.gzipKiB,
      "KiB gzip minified": c.minifiedGzipKiB,
      "import ms": c.importMs,
    })),
    ...startupTables(results.startup),
    keySetsTable(results.keySets),
    summary.targets.map((t) => ({
      target: t.what,
      median: t.median,
      range: range(t.range),
      worst: t.worst,
      met: t.met === null ? "not judged" : t.met,
    })),
  ];
}

/** The stages `--only` reruns, and the key of bench/results.json each one writes. */
const ONLY_STAGES = { startup: "startup", "key-sets": "keySets" };

/**
 * A full run's results with one stage's section replaced by a run of that stage alone: the
 * other sections as they were (each carries its own date), the targets judged again, the
 * stage's rerun noted with the machine it ran on; and the report written from them.
 * @param {Record<string, any>} results bench/results.json
 * @param {string} key the stage's key in it (`startup`, `keySets`)
 * @param {unknown} value the stage's new results
 * @param {{ date: string, loadAverage: number[] }} [on] the machine the stage ran on
 */
function withStage(results, key, value, on) {
  const next = { ...results, [key]: value };
  if (on) next.stageReruns = { ...results.stageReruns, [key]: { date: on.date, loadAverage: on.loadAverage } };
  const summary = report(next);
  next.targets = summary.targets;
  return { results: next, markdown: markdown(next, summary) };
}

/** Writes `withStage`'s results to bench/results.json, and the report, figure blocks and plot from them. */
function saveStage(key, value, on) {
  const file = join(ROOT, "bench", "results.json");
  const { results, markdown: text } = withStage(JSON.parse(readFileSync(file, "utf8")), key, value, on);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  if (results.locations) writeFileSync(join(ROOT, "bench", "token-requests-per-lifetime.svg"), locationsSvg(results.locations));
  writeFileSync(join(ROOT, "bench", "RESULTS.md"), text);
  writeFigureBlocks();
}

if (process.argv[1] === import.meta.filename && process.argv.includes("--merge")) {
  // Puts a saved run of one stage (e.g. locations=<file> from node bench/kv-model.mjs 3 --json <file>)
  // into bench/results.json, and renders: a long stage rerun alone keeps its own date.
  const [key, file] = process.argv[process.argv.indexOf("--merge") + 1].split("=");
  saveStage(key, JSON.parse(readFileSync(resolve(ROOT, file), "utf8")));
  console.log(
    `merged ${key} into bench/results.json; wrote bench/RESULTS.md, the READMEs' figure blocks and bench/token-requests-per-lifetime.svg`,
  );
} else if (process.argv[1] === import.meta.filename && process.argv.includes("--only")) {
  // One stage alone: `node bench/run.mjs --only startup|key-sets [--quick]`.
  const stage = process.argv[process.argv.indexOf("--only") + 1];
  const key = ONLY_STAGES[stage];
  if (!key) throw new Error(`--only takes: ${Object.keys(ONLY_STAGES).join(", ")} (not ${stage})`);
  const quick = process.argv.includes("--quick");
  if (quick) console.log(QUICK_NOTICE);
  const startedOn = machine();
  const progress = createProgress(
    "bench",
    stagesOf(quick).filter((s) => s.id === stage),
  );
  progress.start(stage);
  let value;
  if (stage === "startup") {
    buildWorker("cognito-local"); // the key sets' issuer of the first-request samples
    value = await startupCosts({ quick, progress });
  } else value = await keySetsRun(quick, progress);
  progress.finish();
  for (const table of stage === "startup" ? startupTables(value) : [keySetsTable(value)]) console.table(table);
  if (quick) console.log(QUICK_NOTICE);
  else {
    saveStage(key, value, startedOn);
    console.log(`wrote the ${stage} section of bench/results.json and bench/RESULTS.md (the others kept), and the READMEs' figure blocks`);
  }
} else if (process.argv[1] === import.meta.filename && process.argv.includes("--render")) {
  // Writes the report again from bench/results.json, measuring nothing (after a change of wording).
  const outIndex = process.argv.indexOf("--out");
  const out = outIndex > 0 ? process.argv[outIndex + 1] : join("bench", "RESULTS.md");
  const results = JSON.parse(readFileSync(join(ROOT, "bench", "results.json"), "utf8"));
  writeFileSync(resolve(ROOT, out), markdown(results, report(results)));
  if (outIndex < 0) writeFigureBlocks();
  console.log(`wrote ${out} from bench/results.json`);
} else if (process.argv[1] === import.meta.filename) {
  const quick = process.argv.includes("--quick");
  const outIndex = process.argv.indexOf("--out");
  const out = outIndex > 0 ? process.argv[outIndex + 1] : join("bench", "RESULTS.md");
  if (quick) console.log(QUICK_NOTICE);
  const progress = createProgress("bench", stagesOf(quick));
  const results = await runBench({ quick, progress });
  progress.finish();
  const summary = report(results);
  for (const table of tables(results, summary)) console.table(table);
  if (quick) console.log(QUICK_NOTICE);
  else {
    writeFileSync(join(ROOT, "bench", "results.json"), `${JSON.stringify({ ...results, targets: summary.targets }, null, 2)}\n`);
    writeFileSync(join(ROOT, "bench", "token-requests-per-lifetime.svg"), locationsSvg(results.locations));
    writeFileSync(resolve(ROOT, out), markdown(results, summary));
    // The READMEs quote these results only inside blocks rewritten from them.
    writeFigureBlocks();
    console.log(`wrote ${out}, bench/results.json and the READMEs' figure blocks`);
  }
}

export { QUICK_NOTICE, report, tables, withStage };
