// The measured figures that shared/README.md shows, generated from the committed
// results: bench/results.json (written by `npm run bench`). RELIABILITY.json (written
// by `npm run reliability` beside RELIABILITY.md) keeps that run's headline. README.md
// shows no figures: it links bench/RESULTS.md and RELIABILITY.md. A
// figure typed into prose goes stale at the next run; one inside a block such as
//
//   <!-- bench:summary -->
//   ...generated...
//   <!-- /bench:summary -->
//
// is rewritten from the results, and test/scripts/figure-blocks.test.ts fails when a
// committed block is not what the committed results give.
//
//   node scripts/figure-blocks.mjs --check   exits 1 and names each stale file
//   node scripts/figure-blocks.mjs --write   rewrites the blocks
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dirname, "..");

/** The files whose blocks are generated. Bench and reliability figures live in
 * bench/RESULTS.md and RELIABILITY.md; these only summarise them. */
export const FIGURE_FILES = ["shared/README.md"];

export const BENCH_RESULTS = "bench/results.json";
export const RELIABILITY_RESULTS = "RELIABILITY.json";

// `<!-- name -->` opens a block, `<!-- /name -->` closes it; a name is `source:what`,
// the source one of these (other markers, such as the walkthrough's, are not ours).
const BLOCK = /<!-- ((?:bench|reliability|figures):[a-z-]+) -->\n[\s\S]*?<!-- \/\1 -->/g;
const OPENING = /<!-- ((?:bench|reliability|figures):[a-z-]+) -->/g;

/** Reads the committed results; a results file that is absent gives null. */
export function loadResults(root = ROOT) {
  const read = (path) => (existsSync(join(root, path)) ? JSON.parse(readFileSync(join(root, path), "utf8")) : null);
  return { bench: read(BENCH_RESULTS), reliability: read(RELIABILITY_RESULTS) };
}

const num = (n) => (Number.isInteger(n) ? n.toLocaleString("en") : String(Math.round(n * 100) / 100));
const span = (range) => (Array.isArray(range) && range[0] !== range[1] ? ` (${num(range[0])} to ${num(range[1])})` : "");
const day = (iso) => String(iso).slice(0, 10);
const row = (cells) => `| ${cells.join(" | ")} |`;

function machineLine(machine) {
  return `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`;
}

function requireBench(bench, name) {
  if (!bench) throw new Error(`block ${name}: ${BENCH_RESULTS} is missing (npm run bench writes it)`);
  return bench;
}

/** The library README's figures: one verification each way, and a consumer Worker's size. */
function library({ bench }) {
  const b = requireBench(bench, "bench:library");
  const lines = [
    `Inside workerd, one Cognito-shaped RS256 token, last run ${day(b.machine.date)} (${machineLine(b.machine)}); the method in [bench/RESULTS.md](../bench/RESULTS.md):`,
    "",
    row(["verification", "µs (median, range)", "x the bare `crypto.subtle.verify`"]),
    row(["---", "---", "---"]),
    ...b.verification.rows.map((r) => row([r.label, `${num(r.microseconds)}${span(r.range)}`, num(r.xFloor.median)])),
  ];
  if (Array.isArray(b.consumers) && b.consumers.length > 0) {
    lines.push(
      "",
      "A Worker that verifies Cognito access tokens (`bench/consumers/`), bundled by `wrangler deploy --dry-run`:",
      "",
      row(["Worker verifying with", "KiB gzip, minified"]),
      row(["---", "---"]),
      ...b.consumers.map((c) => row([c.label, num(c.minifiedGzipKiB)])),
    );
  }
  return lines.join("\n");
}

const RENDERERS = { "bench:library": library };

/** The text with every block rewritten from the results. Throws on a block it does not
 * know and on an opening marker with no closing one, so that neither passes unseen. */
export function rewriteBlocks(text, results) {
  const opened = [...text.matchAll(OPENING)].map((m) => m[1]);
  const closed = [...text.matchAll(BLOCK)].map((m) => m[1]);
  const unclosed = opened.filter((name) => !closed.includes(name));
  if (unclosed.length > 0) throw new Error(`block ${unclosed[0]} has no closing <!-- /${unclosed[0]} -->`);
  return text.replace(BLOCK, (_, name) => {
    const render = RENDERERS[name];
    if (!render) throw new Error(`unknown block ${name} (known: ${Object.keys(RENDERERS).join(", ")})`);
    return `<!-- ${name} -->\n${render(results)}\n<!-- /${name} -->`;
  });
}

/** Each file with its blocks rewritten from the committed results; `write` saves the
 * files whose blocks changed. Returns the files that were (or, without `write`, are) stale. */
export function figureBlocks({ root = ROOT, files = FIGURE_FILES, results = loadResults(root), write = false } = {}) {
  const stale = [];
  for (const file of files) {
    const path = join(root, file);
    const before = readFileSync(path, "utf8");
    const after = rewriteBlocks(before, results);
    if (after === before) continue;
    stale.push(file);
    if (write) writeFileSync(path, after);
  }
  return stale;
}

/** Rewrites the blocks from the committed results (bench/run.mjs calls it after writing them). */
export function writeFigureBlocks(root = ROOT) {
  const changed = figureBlocks({ root, write: true });
  if (changed.length > 0) console.log(`figure blocks rewritten in ${changed.join(", ")}`);
}

/**
 * Keeps the reliability run's headline figures as RELIABILITY.json (beside the full
 * report, RELIABILITY.md) and rewrites the blocks. scripts/reliability/run.mjs calls it with
 * what it measured; only those numbers and flags are kept, so the file stays the same
 * however the run's other measurements change. Every figure is in RELIABILITY.md.
 */
export function recordReliability({ machine, families, fuzz, faults, load, flood, ok }, root = ROOT) {
  const passed = (list) => list.filter((r) => r.status === "passed").length;
  const fuzzFailed = fuzz.length - passed(fuzz);
  const summary = {
    measuredAt: machine.date,
    machine: { cpu: machine.cpu, cores: machine.cores, node: machine.node },
    allPassed: ok,
    forgedAccepted: families.reduce((n, f) => n + (f.cases - f.asExpected), 0) + fuzzFailed,
    serverErrorsToHostileInput: load.forged.serverErrors + fuzzFailed,
    lostUnderLoad: load.bff.non2xx + load.bff.errors + load.service.non2xx + load.service.errors,
    faultTests: { passed: passed(faults), total: faults.length },
    bffLoad: { requests: load.bff.requests, tokenRequests: load.bff.tokenRequests },
    jwksFlood: {
      seconds: flood.durationMs / 1000,
      requests: flood.forgedRequests,
      fetches: flood.jwksFetches,
      rotationPickupMs: flood.rotationPickupMs,
    },
    logLines: { scanned: load.logLinesScanned, leaks: load.leaks },
  };
  writeFileSync(join(root, RELIABILITY_RESULTS), `${JSON.stringify(summary, null, 2)}\n`);
  writeFigureBlocks(root);
}

if (process.argv[1] === import.meta.filename) {
  const write = process.argv.includes("--write");
  if (!write && !process.argv.includes("--check")) {
    console.error("usage: node scripts/figure-blocks.mjs --check | --write");
    process.exit(2);
  }
  const stale = figureBlocks({ write });
  const names = stale.map((file) => relative(process.cwd(), join(ROOT, file))).join(", ");
  if (write) console.log(stale.length > 0 ? `rewrote the figure blocks of ${names}` : "figure blocks up to date");
  else if (stale.length > 0) {
    console.error(`figure blocks out of date in ${names}: run node scripts/figure-blocks.mjs --write`);
    process.exit(1);
  } else console.log("figure blocks up to date");
}
