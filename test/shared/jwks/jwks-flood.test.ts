// The unknown-kid refetch policy, measured on a fake clock: a flood of 1,000 random
// kids a minute costs at most 12 JWKS fetches, and a key the issuer rotates in during
// the flood is accepted at most 5 s after it is published, whatever the phase.
import { describe, expect, it } from "vitest";
import { RefetchBudget } from "../../../shared/jwks/refetch-budget";
import { runJwksFlood } from "./jwks-flood";

function fakeClock() {
  let time = Date.now(); // the tokens are signed for the real now
  return {
    now: () => time,
    sleepUntil: async (until: number) => {
      time = Math.max(time, until);
    },
  };
}

describe("a flood of 1,000 random kids in a minute", () => {
  it.each([5_041, 10_000, 10_081, 12_345, 17_999, 30_001, 44_960])(
    "costs at most 12 JWKS fetches, and a key rotated in at %i ms is accepted within 5 s",
    async (rotateAtMs) => {
      const result = await runJwksFlood({ ...fakeClock(), rotateAtMs });
      console.log(JSON.stringify({ event: "jwks_flood", clock: "fake", rotateAtMs, ...result, forgedCodes: undefined }));
      expect(result.forgedCodes).toEqual(["KID_UNKNOWN"]);
      expect(result.jwksFetches).toBeLessThanOrEqual(12);
      expect(result.jwksFetches).toBeGreaterThanOrEqual(11); // the budget is used, not starved
      expect(result.rotationPickupMs).not.toBeNull();
      expect(result.rotationPickupMs!).toBeLessThanOrEqual(5_000);
    },
  );
});

describe("the refetch budget", () => {
  it("allows one fetch at once, then one per interval, and gives back a refunded one", () => {
    const budget = new RefetchBudget(1, 5_000, 0);
    expect(budget.take(0)).toBe(true);
    expect(budget.take(1)).toBe(false);
    expect(budget.waitMs(1_000)).toBe(4_000);
    expect(budget.take(4_999)).toBe(false);
    expect(budget.take(5_000)).toBe(true);
    budget.refund();
    expect(budget.take(5_001)).toBe(true);
    expect(budget.take(5_002)).toBe(false);
  });

  it("never holds more than its burst, however long it stays unused", () => {
    const budget = new RefetchBudget(2, 5_000, 0);
    expect([budget.take(3_600_000), budget.take(3_600_000), budget.take(3_600_000)]).toEqual([true, true, false]);
  });
});
