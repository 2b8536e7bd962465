// `npm run bench --quick` as a smoke test: the harness runs end to end and every
// figure it reports is a real measurement. Timings are not asserted here: a test
// cannot tell a slow machine from a slow verifier. bench/RESULTS.md has the figures.
// A quick run says it is a smoke check, judges no target and prints no negative cost.
import { describe, expect, it } from "vitest";
import { QUICK_NOTICE, report, runBench, tables } from "../../bench/run.mjs";

describe("npm run bench -- --quick", () => {
  it("measures every row", async () => {
    const results = await runBench({ quick: true });
    expect(results.verification.rows.map((r) => r.impl)).toEqual(["ours", "ours", "aws-jwt-verify", "hono", "jose", "floor"]);
    expect(results.verification.processes).toBeGreaterThanOrEqual(3);
    for (const row of results.verification.rows) {
      expect(row.runs).toHaveLength(results.verification.processes);
      const [min, max] = row.range as [number, number];
      expect(min).toBeLessThanOrEqual(row.microseconds);
      expect(row.microseconds).toBeLessThanOrEqual(max);
    }
    // Every implementation but the cache hit costs at least the RSA verification it contains.
    for (const row of results.verification.rows.filter((r) => r.mode === "distinct")) expect(row.microseconds).toBeGreaterThan(0);
    expect(results.verification.stages.map((s) => s.stage)).toContain("signature");
    for (const ratio of Object.values(results.verification.ratios)) expect(ratio.runs).toHaveLength(results.verification.processes);
    expect(results.verification.economy.tokenRequests.none).toBe(600);
    expect(results.verification.economy.tokenRequests.shared).toBeLessThan(results.verification.economy.tokenRequests.perIsolate);
    for (const row of results.http.rows) {
      expect(row.rps).toBeGreaterThan(0);
      expect(row.non2xx + row.errors).toBe(0);
    }
    expect(results.http.bffTokenRequestsDuringLoad).toBe(1);
    // Startup: MyService and MyBFF against the plain Worker, each round's ratio to it.
    expect(results.startup.rows.map((w: { id: string }) => w.id)).toEqual(["plain", "service", "bff"]);
    for (const w of results.startup.rows) {
      expect(w.gzipKiB).toBeGreaterThan(10);
      expect(w.gzipKiB).toBeLessThan(w.rawKiB);
      expect(w.importMs.runs).toHaveLength(results.startup.rounds);
      expect(w.xPlain.runs).toHaveLength(results.startup.rounds);
    }
    expect(results.startup.rows[0]!.xPlain.median).toBe(1);
    expect(results.startup.firstRequest.map((w: { id: string }) => w.id)).toEqual([
      "plain",
      "service-unshared",
      "service",
      "service-shared",
    ]);
    for (const w of results.startup.firstRequest) expect(w.ms.median).toBeGreaterThan(0);
    // A later isolate of the location verifies with the shared key set: no key-set request.
    const keySetRequests = Object.fromEntries(
      results.startup.firstRequest.map((w: { id: string; keySetRequests: number[] }) => [w.id, w.keySetRequests]),
    );
    expect(keySetRequests).toEqual({ plain: [1], "service-unshared": [1], service: [1], "service-shared": [0] });
    expect(results.startup.firstCacheLookupMs.median).toBeGreaterThan(0);
    expect(results.consumers.map((c) => c.id)).toEqual(["ours", "aws-jwt-verify", "jose"]);
    for (const consumer of results.consumers) {
      expect(consumer.minifiedGzipKiB).toBeGreaterThan(1);
      expect(consumer.minifiedGzipKiB).toBeLessThan(consumer.gzipKiB);
      expect(consumer.startupProfileSamples.length).toBeGreaterThan(0);
    }
    // The KV model, on 1 and 10 locations: per-isolate caches cost the most; the
    // coordinator one request per renewal (a renewal 75-85 % into each 1-hour token: at
    // most 1.4 a lifetime), whatever the number of locations.
    const at10 = (strategy: string) =>
      results.locations.rows.find((r: { strategy: string; locations: number }) => r.strategy === strategy && r.locations === 10)!
        .perLifetime.median;
    expect(results.locations.rows).toHaveLength(8);
    expect(at10("isolate")).toBeGreaterThan(at10("kv"));
    expect(at10("coordinator")).toBeLessThanOrEqual(1.4);
    expect(results.coldToken.rows.map((r: { id: string }) => r.id)).toEqual(["bff-kv", "bff-coordinator", "bff-none"]);
    // Key-set requests per hour, on 1 and 10 locations: the shared key set saves requests.
    const keySetsAt10 = (strategy: string) =>
      results.keySets.rows.find((r: { strategy: string; locations: number }) => r.strategy === strategy && r.locations === 10)!.perHour
        .median;
    expect(results.keySets.rows).toHaveLength(4);
    expect(keySetsAt10("shared")).toBeLessThan(keySetsAt10("isolate"));
    for (const row of results.coldToken.rows) expect(row.ms).toBeGreaterThan(0);
    const summary = report(results);
    expect(summary.targets.length).toBe(14);
    expect(summary.targets.filter((t) => t.what.includes("startup: within 1.5x"))).toHaveLength(2);
    // A target measured over several runs has its worst run found; a quick run judges none.
    const distinct = summary.targets.find((t) => t.what.startsWith("distinct tokens"))!;
    expect(distinct.worst).toBe(distinct.range![1]);
    for (const target of summary.targets) expect(target.met).toBeNull();
    const printed = tables(results, summary) as Record<string, unknown>[][];
    expect(printed.at(-1)!.map((row) => row.met)).toEqual(summary.targets.map(() => "not judged"));
    // No printed figure is a negative cost: a stage below resolution says so.
    for (const row of printed.flat()) {
      for (const cell of Object.values(row)) if (typeof cell === "number") expect(cell).toBeGreaterThanOrEqual(0);
    }
    expect(QUICK_NOTICE).toMatch(/smoke check.*not a measurement/);
  }, 420_000);
});
