// `npm run bench --quick` as a smoke test: the harness runs end to end and every
// figure it reports is a real measurement. Timings are not asserted here: a test
// cannot tell a slow machine from a slow verifier. bench/RESULTS.md has the figures.
import { describe, expect, it } from "vitest";
import { report, runBench } from "../../bench/run.mjs";

describe("npm run bench -- --quick", () => {
  it("measures every row", async () => {
    const results = await runBench({ quick: true });
    expect(results.verification.rows.map((r) => r.impl)).toEqual(["ours", "ours", "aws-jwt-verify", "hono", "jose", "floor"]);
    for (const row of results.verification.rows) expect(row.microseconds).toBeGreaterThan(0);
    expect(results.verification.economy.tokenRequests.none).toBe(600);
    expect(results.verification.economy.tokenRequests.shared).toBeLessThan(results.verification.economy.tokenRequests.perIsolate);
    for (const row of results.http.rows) {
      expect(row.rps).toBeGreaterThan(0);
      expect(row.non2xx + row.errors).toBe(0);
    }
    expect(results.http.bffTokenRequestsDuringLoad).toBe(1);
    for (const cold of results.coldStart) expect(cold.gzipKiB).toBeGreaterThan(10);
    expect(report(results).targets.length).toBe(7);
  }, 180_000);
});
