// The library README shows measured figures only inside generated blocks: each committed
// block must be what the committed results give (scripts/figure-blocks.mjs --write makes
// it so). The project README shows none: it links bench/RESULTS.md and RELIABILITY.md.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BENCH_RESULTS, FIGURE_FILES, figureBlocks, loadResults, recordReliability, rewriteBlocks } from "../../scripts/figure-blocks.mjs";

const ROOT = join(import.meta.dirname, "..", "..");
const committed = loadResults(ROOT);

// What scripts/reliability/run.mjs hands over: its measurements, as it holds them.
const reliabilityRun = {
  machine: { date: "2026-12-03T10:00:00.000Z", cpu: "Test CPU", cores: 2, memoryGiB: 8, node: "v24.21.0" },
  families: [
    { family: "forgery", cases: 40, asExpected: 40 },
    { family: "claims", cases: 30, asExpected: 29 },
  ],
  fuzz: [{ status: "passed" }, { status: "passed" }, { status: "passed" }],
  faults: [{ status: "passed" }, { status: "failed" }],
  load: {
    bff: { requests: 5485, tokenRequests: 1, non2xx: 0, errors: 0 },
    service: { requests: 9000, non2xx: 0, errors: 0 },
    forged: { requests: 9449, jwksRequests: 3, serverErrors: 0 },
    logLinesScanned: 41348,
    leaks: 0,
  },
  flood: { durationMs: 60_000, forgedRequests: 1000, jwksFetches: 12, rotationPickupMs: 2800 },
  ok: false,
};

const tempRoots: string[] = [];
afterEach(() => {
  for (const root of tempRoots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A copy of the files the blocks live in, and of the bench results, in a fresh folder. */
function tempCopy(): string {
  const root = mkdtempSync(join(tmpdir(), "figure-blocks-"));
  tempRoots.push(root);
  for (const file of ["README.md", ...FIGURE_FILES, BENCH_RESULTS]) {
    mkdirSync(join(root, file, ".."), { recursive: true });
    writeFileSync(join(root, file), readFileSync(join(ROOT, file), "utf8"));
  }
  return root;
}

describe("the committed figure blocks", () => {
  it("are what the committed results give", () => {
    const stale = figureBlocks({ root: ROOT, results: committed });
    expect(stale, "run: node scripts/figure-blocks.mjs --write").toEqual([]);
  });

  it("are in the library README only; the project README links the figures instead", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const library = readFileSync(join(ROOT, "shared/README.md"), "utf8");
    expect(FIGURE_FILES).not.toContain("README.md");
    expect(readme).not.toMatch(/<!-- (bench|reliability|figures):/);
    expect(readme).toContain("[bench/RESULTS.md](bench/RESULTS.md)");
    expect(readme).toContain("[RELIABILITY.md](RELIABILITY.md)");
    expect(library.match(/<!-- bench:library -->/g)).toHaveLength(1);
  });

  it("hold the READMEs' measured figures: none outside them", () => {
    // What a run's figure looks like: a time in µs, a ratio such as 1.26x, a decimal range.
    const measured = /\d\s?µs|\b\d+\.\d+x\b|\(\d+\.\d+ to \d+\.\d+\)/;
    for (const file of ["README.md", ...FIGURE_FILES]) {
      const prose = readFileSync(join(ROOT, file), "utf8").replace(
        /<!-- ((?:bench|reliability|figures):[a-z-]+) -->[\s\S]*?<!-- \/\1 -->/g,
        "",
      );
      const lines = prose.split("\n").filter((line) => measured.test(line));
      expect(lines, `${file}: a measured figure outside a generated block`).toEqual([]);
    }
  });

  it("go stale when a result changes", () => {
    const bench = structuredClone(committed.bench);
    bench.targets[0].median = 12_345.6;
    bench.verification.rows[0].microseconds = 98.76;
    expect(figureBlocks({ root: ROOT, results: { ...committed, bench } })).toEqual(FIGURE_FILES);
  });
});

describe("rewriteBlocks", () => {
  const text = "before\n<!-- bench:library -->\nold figures\n<!-- /bench:library -->\nafter\n";

  it("replaces what is between the markers, and nothing else", () => {
    const out = rewriteBlocks(text, committed);
    expect(out.startsWith("before\n<!-- bench:library -->\n")).toBe(true);
    expect(out.endsWith("\n<!-- /bench:library -->\nafter\n")).toBe(true);
    expect(out).not.toContain("old figures");
    const ours = committed.bench.verification.rows[0];
    expect(out).toContain(`| ${ours.label} | ${ours.microseconds}`);
    expect(rewriteBlocks(out, committed)).toBe(out);
  });

  it("refuses a block it does not know, and a block that is not closed", () => {
    expect(() => rewriteBlocks("<!-- bench:nothing -->\nx\n<!-- /bench:nothing -->\n", committed)).toThrow(/unknown block bench:nothing/);
    expect(() => rewriteBlocks("<!-- bench:library -->\nx\n", committed)).toThrow(/no closing/);
  });

  it("says where the bench results should be when there are none", () => {
    expect(() => rewriteBlocks(text, { bench: null, reliability: null })).toThrow(/bench\/results.json is missing/);
  });

  it("knows no README summary block any more", () => {
    expect(() => rewriteBlocks("<!-- figures:summary -->\n<!-- /figures:summary -->\n", committed)).toThrow(
      /unknown block figures:summary/,
    );
  });
});

describe("recordReliability", () => {
  it("keeps the run's headline figures as RELIABILITY.json and leaves the project README alone", () => {
    const root = tempCopy();
    recordReliability(reliabilityRun, root);
    const saved = JSON.parse(readFileSync(join(root, "RELIABILITY.json"), "utf8"));
    expect(saved).toMatchObject({
      measuredAt: "2026-12-03T10:00:00.000Z",
      allPassed: false,
      forgedAccepted: 1,
      faultTests: { passed: 1, total: 2 },
      jwksFlood: { fetches: 12, rotationPickupMs: 2800, requests: 1000, seconds: 60 },
    });
    // The project README is left alone: it links RELIABILITY.md, it does not copy its figures.
    expect(readFileSync(join(root, "README.md"), "utf8")).toBe(readFileSync(join(ROOT, "README.md"), "utf8"));
    expect(figureBlocks({ root })).toEqual([]);
  });
});
