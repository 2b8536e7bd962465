// `node bench/run.mjs --only startup|key-sets` reruns one stage and writes its own section of
// bench/results.json and bench/RESULTS.md: the other sections stay as the full run wrote them
// (each with its own date), the targets are judged again, and the report says what was rerun.
// Measures nothing: the stage's results here are made up from the committed ones.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { report, withStage } from "../../bench/run.mjs";

const ROOT = join(import.meta.dirname, "..", "..");
const committed = JSON.parse(readFileSync(join(ROOT, "bench", "results.json"), "utf8"));
// The startup test reruns section 4 on results that do not note a rerun of it yet (the committed ones may).
delete committed.stageReruns?.startup;
const RERUN_ON = { date: "2027-01-02T03:04:05.000Z", loadAverage: [0.11, 0.22, 0.33] };

/** The report's section that starts with `heading`, up to the next section. */
function section(text: string, heading: string): string {
  const start = text.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = text.indexOf("\n## ", start + heading.length);
  return text.slice(start, end < 0 ? undefined : end);
}

/** A startup stage rerun: the committed one with new figures, one sample set per round. */
function startupRerun() {
  const startup = structuredClone(committed.startup);
  startup.measuredAt = "2027-01-02T03:04:05.000Z";
  startup.samplesPerRound = 3;
  const service = startup.rows.find((w: { id: string }) => w.id === "service");
  service.xPlain = { median: 1.11, min: 1.02, max: 1.19, runs: [1.02, 1.11, 1.19] };
  startup.firstRequest = [
    {
      id: "plain",
      label: "plain",
      ms: { median: 10, min: 9, max: 11, runs: [10] },
      xPlain: { median: 1, min: 1, max: 1, runs: [1] },
      keySetRequests: [1],
    },
    {
      id: "service-shared",
      label: "MyService, a later isolate",
      ms: { median: 12, min: 12, max: 12, runs: [12] },
      xPlain: { median: 1.2, min: 1.2, max: 1.2, runs: [1.2] },
      keySetRequests: [0],
    },
  ];
  startup.firstCacheLookupMs = { median: 8.5, min: 8, max: 9, runs: [8, 8.5, 9] };
  return startup;
}

describe("bench --only: one stage's section rewritten, the others kept", () => {
  it("replaces the startup section and judges its targets again", () => {
    const before = withStage(committed, "startup", committed.startup);
    const { results, markdown } = withStage(committed, "startup", startupRerun(), RERUN_ON);
    for (const key of Object.keys(committed).filter((k) => !["startup", "targets", "stageReruns"].includes(k))) {
      expect(results[key]).toEqual(committed[key]);
    }
    // The rerun noted beside the earlier ones.
    expect(results.stageReruns).toEqual({ ...committed.stageReruns, startup: RERUN_ON });
    expect(results.startup.measuredAt).toBe("2027-01-02T03:04:05.000Z");
    const target = results.targets.find((t: { what: string }) => t.what.startsWith("MyService startup"));
    expect(target).toMatchObject({ median: 1.11, worst: 1.19, met: true });
    expect(results.targets).toEqual(report(results).targets);
    // Section 4 from the rerun, the others word for word as before.
    const startup = section(markdown, "## 4. Startup");
    expect(startup).toContain("Measured 2027-01-02");
    expect(startup).toContain("the median of its 3 samples");
    expect(startup).toMatch(/MyService, a later isolate \| 12 \(12 to 12\) \| 1.2 \(1.2 to 1.2\) \| 0 \|/);
    expect(startup).toContain("took 8.5 (8 to 9) ms here");
    for (const heading of ["## 1. Verification cost", "## 2. HTTP on loopback", "## 3. Token economy", "## 5. What a consumer pays"]) {
      expect(section(markdown, heading)).toBe(section(before.markdown, heading));
    }
    expect(markdown).toContain(
      "Section 4 (startup) was rerun alone on 2027-01-02 (2027-01-02T03:04:05.000Z; load average 0.11, 0.22, 0.33",
    );
    expect(before.markdown).not.toContain("Section 4 (startup) was rerun alone");
  });

  it("adds the key-set section", () => {
    const keySets = {
      measuredAt: "2027-01-02T03:04:05.000Z",
      seconds: 70,
      seeds: 3,
      isolatesPerLocation: 8,
      hours: 24,
      requestEveryMs: 120_000,
      isolateLifetimeMs: 600_000,
      rows: [
        { strategy: "isolate", label: "each isolate fetches", locations: 1, runs: 3, perHour: { median: 64.7, min: 64.5, max: 64.8 } },
        { strategy: "shared", label: "shared", locations: 1, runs: 3, perHour: { median: 32.3, min: 29.1, max: 32.5 } },
      ],
    };
    const { results, markdown } = withStage(committed, "keySets", keySets, RERUN_ON);
    expect(results.keySets).toEqual(keySets);
    expect(results.startup).toEqual(committed.startup);
    const text = section(markdown, "## 8. Key-set requests");
    expect(text).toContain("Measured 2027-01-02");
    expect(text).toContain("| each isolate fetches | 64.7 (64.5 to 64.8) |");
    expect(text).toContain("| shared | 32.3 (29.1 to 32.5) |");
    expect(markdown).toContain("Section 8 (key-set requests) was rerun alone");
  });
});
