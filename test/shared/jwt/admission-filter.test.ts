// The admission filter of the verified-token cache: it remembers the tokens it saw.
import { describe, expect, it } from "vitest";
import { AdmissionFilter } from "../../../shared/jwt/admission-filter";

const token = (i: number) => `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.${crypto.randomUUID()}${i}`;

describe("admission filter", () => {
  it("has not seen a token the first time, and has the second", () => {
    const filter = new AdmissionFilter(100);
    const t = token(1);
    expect(filter.seenBefore(t)).toBe(false);
    expect(filter.seenBefore(t)).toBe(true);
  });

  it("tells tokens apart by the end of their signature", () => {
    const filter = new AdmissionFilter(1_000);
    const tokens = Array.from({ length: 100 }, (_, i) => token(i));
    const seen = tokens.filter((t) => filter.seenBefore(t));
    // Random 30-bit fingerprints in 2,048 slots: a false "seen" is rare, never the rule,
    // and a later token takes an earlier one's slot about once in 40.
    expect(seen.length).toBeLessThan(3);
    expect(tokens.filter((t) => filter.seenBefore(t)).length).toBeGreaterThan(85);
  });

  it("forgets as new tokens take the slots (it is bounded)", () => {
    const filter = new AdmissionFilter(8);
    const first = token(0);
    filter.seenBefore(first);
    for (let i = 1; i < 2_000; i++) filter.seenBefore(token(i));
    expect(filter.seenBefore(first)).toBe(false);
  });
});
