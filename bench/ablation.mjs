// `node bench/run.mjs --ablation [--quick]`: what each optimisation of the verifier's
// distinct-token path buys. The library's Cognito verifier is built several times into
// one workerd isolate (bench/ablation/worker.ts): as it was at BASE_COMMIT, with every
// optimisation on; at BASE_COMMIT with one of them switched off (the small patches in
// bench/ablation/, applied to that commit's shared/); and as it is in the working tree.
// In each of 3 fresh workerd processes, every build verifies tokens it has never seen,
// interleaved round by round with the floor (one bare crypto.subtle.verify with the same
// CryptoKey); per process, the median of the rounds; then the median and range over the
// processes of each build's cost, and of what switching an optimisation off adds to a new
// token's time (in µs and in % of the base build's time, both within one process).
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { COMPATIBILITY_DATE } from "../scripts/dev-settings.mjs";
import { ROOT } from "../scripts/local-stack.mjs";

/** The last commit with every optimisation in place (before issue 23's simplification). */
const BASE_COMMIT = "24e89b9";

/** What each patch in bench/ablation/ switches off. */
const OPTIMISATIONS = {
  "scratch-buffers": "scratch buffers reused for decoding, and the second decode after an await (off: fresh arrays)",
  "header-cache": "HeaderCache: accepted header segments remembered (off: every header parsed)",
  "admission-filter": "TinyLFU admission filter in front of the full verified-token cache (off: every verdict stored)",
  "shared-scope-sets": "frozen scope Sets shared by the tokens with the same scope claim (off: a new Set per token)",
  "inlined-verify-cached": "verifyCached inlined into verify (off: verify calls verifyCached)",
  "base-again": "nothing: a second build of the same code, whose difference from the first is noise",
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const spread = (values, digits = 2) => ({
  median: round(median(values), digits),
  min: round(Math.min(...values), digits),
  max: round(Math.max(...values), digits),
  runs: values.map((v) => round(v, digits)),
});
const git = (...args) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();

/** Writes each build's shared/ under .build/ablation/<id>/ and bundles them into one worker. */
async function buildWorker() {
  const dir = join(ROOT, ".build/ablation");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tree = (id) => {
    mkdirSync(join(dir, id), { recursive: true });
    execFileSync("sh", ["-c", `git archive ${BASE_COMMIT} shared | tar -x -C ${join(dir, id)}`], { cwd: ROOT });
    return join(dir, id);
  };
  const builds = [
    { id: "base", label: `${BASE_COMMIT}, every optimisation on`, entry: join(tree("base"), "shared/index.ts") },
    // The same code again, as a separate build: how far two identical builds differ is the noise.
    { id: "base-again", label: `${BASE_COMMIT} again (identical: the noise)`, entry: join(tree("base-again"), "shared/index.ts") },
  ];
  const patches = readdirSync(join(ROOT, "bench/ablation")).filter((f) => f.endsWith(".patch"));
  for (const id of Object.keys(OPTIMISATIONS).filter((id) => id !== "base-again")) {
    if (!patches.includes(`${id}.patch`)) throw new Error(`bench/ablation/${id}.patch is missing`);
    const root = tree(id);
    execFileSync("git", ["apply", join(ROOT, "bench/ablation", `${id}.patch`)], { cwd: root });
    builds.push({ id, label: `${BASE_COMMIT}, ${id} off`, entry: join(root, "shared/index.ts") });
  }
  const head = git("rev-parse", "--short", "HEAD");
  const dirty = git("status", "--porcelain", "--", "shared").length > 0;
  builds.push({ id: "now", label: `this code (${head}${dirty ? ", shared/ changed since" : ""})`, entry: join(ROOT, "shared/index.ts") });
  const entry = join(dir, "entry.ts");
  writeFileSync(
    entry,
    `${builds.map((b, i) => `import { CognitoAccessTokenVerifier as V${i} } from ${JSON.stringify(b.entry)};`).join("\n")}
import { ablationWorker } from ${JSON.stringify(join(ROOT, "bench/ablation/worker.ts"))};
export default ablationWorker([${builds.map((b, i) => `{ label: ${JSON.stringify(b.id)}, Verifier: V${i} }`).join(", ")}]);
`,
  );
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    outfile: join(dir, "worker.js"),
    nodePaths: [join(ROOT, "node_modules")],
    logLevel: "error",
  });
  return { script: join(dir, "worker.js"), builds, commit: { head, sharedChangedSinceHead: dirty } };
}

async function ablationProcess(script, builds, quick) {
  const mf = new Miniflare({ modules: true, scriptPath: script, compatibilityDate: COMPATIBILITY_DATE });
  try {
    const worker = await mf.getWorker();
    const call = async (path) => {
      const started = performance.now();
      const response = await worker.fetch(`http://ablation${path}`);
      const body = await response.text();
      if (!response.ok) throw new Error(`${path}: ${response.status} ${body}`);
      return { ms: performance.now() - started, body };
    };
    const perOperation = async (path, count) => {
      const base = await call(`${path}&n=0`);
      const timed = await call(`${path}&n=${count}`);
      return ((timed.ms - base.ms) * 1000) / count;
    };
    const n = quick ? 200 : 1000;
    const rounds = quick ? 5 : 31;
    await call(`/setup?tokens=${5000 + rounds * n + builds.length}`);
    await call(`/warmup?passes=${quick ? 1 : 8}`);
    const variants = ["floor", ...builds.map((_, i) => String(i))];
    const samples = new Map(variants.map((v) => [v, []]));
    let seed = 1;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (let r = 0; r < rounds; r++) {
      // A new order each round, so that no build always follows the same neighbour.
      const order = [...variants].sort(() => random() - 0.5);
      for (const v of order) samples.get(v).push(await perOperation(`/run?variant=${v}`, n));
    }
    // The machine's load drifts over seconds: each build is compared with the base build
    // and the floor of the same round (a few hundred milliseconds apart), then the median.
    const paired = (v, w, f) => median(samples.get(v).map((x, r) => f(x, samples.get(w)[r])));
    return {
      n,
      rounds,
      micros: Object.fromEntries(variants.map((v) => [v, median(samples.get(v))])),
      minusBase: Object.fromEntries(variants.map((v) => [v, paired(v, "0", (x, y) => x - y)])),
      overBase: Object.fromEntries(variants.map((v) => [v, paired(v, "0", (x, y) => x / y - 1)])),
      overFloor: Object.fromEntries(variants.map((v) => [v, paired(v, "floor", (x, y) => x / y)])),
    };
  } finally {
    await mf.dispose();
  }
}

/** Runs the ablation; `onStep(done, total, detail)` reports progress. */
export async function ablation({ quick = false, onStep = () => {} } = {}) {
  const started = new Date();
  const { script, builds, commit } = await buildWorker();
  const processes = 3;
  const runs = [];
  for (let p = 0; p < processes; p++) {
    onStep(p, processes, `workerd process ${p + 1} of ${processes}`);
    runs.push(await ablationProcess(script, builds, quick));
  }
  if (builds[0].id !== "base") throw new Error("the base build must come first (variant 0 is compared with it)");
  const rows = builds.map((b, i) => ({
    id: b.id,
    label: b.label,
    what: OPTIMISATIONS[b.id] ?? "",
    microseconds: spread(runs.map((run) => run.micros[String(i)])),
    xFloor: spread(runs.map((run) => run.overFloor[String(i)])),
    // What switching it off adds to a new token's time, round by round within each process.
    buysMicroseconds: spread(runs.map((run) => run.minusBase[String(i)])),
    buysPercent: spread(
      runs.map((run) => 100 * run.overBase[String(i)]),
      1,
    ),
  }));
  return {
    measuredAt: started.toISOString(),
    seconds: Math.round((Date.now() - started.getTime()) / 1000),
    quick,
    baseCommit: BASE_COMMIT,
    commit,
    processes,
    rounds: runs[0].rounds,
    n: runs[0].n,
    floor: spread(runs.map((run) => run.micros.floor)),
    rows,
  };
}
