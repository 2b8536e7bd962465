// Where an isolate renews its token: a pure function of the token, the margin, the
// location and a random number.
import { describe, expect, it } from "vitest";
import { renewalTime } from "../../../shared/client-credentials/renewal-schedule";

const HOUR = 3600_000;
const MARGIN = 60_000;
const token = { accessToken: "t", obtainedAt: 1_000_000, expiresAt: 1_000_000 + HOUR };
const usable = HOUR - MARGIN;
const fraction = (at: number) => (at - token.obtainedAt) / usable;

describe("renewalTime", () => {
  it("without a location: 75 % to 85 % of the usable lifetime, by the random number", () => {
    expect(fraction(renewalTime(token, MARGIN, undefined, 0))).toBeCloseTo(0.75, 10);
    expect(fraction(renewalTime(token, MARGIN, undefined, 0.5))).toBeCloseTo(0.8, 10);
    expect(fraction(renewalTime(token, MARGIN, undefined, 0.999999))).toBeCloseTo(0.85, 5);
  });

  it("with a location: a slot in 50 % to 95 % drawn from the location and the token, the same everywhere", () => {
    const slots = ["FRA", "LHR", "NRT", "IAD", "SIN", "GRU", "SYD", "CDG"].map((colo) => renewalTime(token, MARGIN, colo, 0));
    for (const at of slots) {
      expect(fraction(at)).toBeGreaterThanOrEqual(0.5);
      expect(fraction(at)).toBeLessThanOrEqual(0.95);
    }
    expect(new Set(slots).size).toBe(slots.length);
    expect(renewalTime(token, MARGIN, "FRA", 0)).toBe(renewalTime({ ...token }, MARGIN, "FRA", 0));
    const later = { ...token, obtainedAt: token.obtainedAt + 1, expiresAt: token.expiresAt + 1 };
    expect(fraction(renewalTime(later, MARGIN, "FRA", 0))).not.toBeCloseTo(fraction(renewalTime(token, MARGIN, "FRA", 0)), 6);
  });

  it("with a location: each isolate up to 30 s after its location's slot, never past 95 %", () => {
    const slot = renewalTime(token, MARGIN, "FRA", 0);
    expect(renewalTime(token, MARGIN, "FRA", 0.5)).toBe(Math.min(token.obtainedAt + usable * 0.95, slot + 15_000));
    for (const colo of ["FRA", "LHR", "NRT", "IAD"]) {
      expect(fraction(renewalTime(token, MARGIN, colo, 0.999999))).toBeLessThanOrEqual(0.95);
    }
  });

  it("leaves a 5-minute token a renewal window before it is unusable", () => {
    const short = { accessToken: "t", obtainedAt: 0, expiresAt: 300_000 };
    const at = renewalTime(short, MARGIN, undefined, 0.999999);
    expect(short.expiresAt - MARGIN - at).toBeGreaterThanOrEqual(30_000);
  });
});
