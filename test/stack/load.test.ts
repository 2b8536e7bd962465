// A short load run through the real local stack (wrangler dev): no error, no non-2xx,
// one token request, and forged tokens that cost no 5xx and few JWKS downloads.
// Latency is recorded, not asserted: `npm run reliability` runs it at full size.
import { describe, expect, it } from "vitest";
import { runLoad } from "../../scripts/reliability/load.mjs";

/** The verifier's default `jwks.cooldownMs` (shared/README.md's option table). */
const JWKS_COOLDOWN_MS = 5_000;

describe("load on the local stack", () => {
  it("serves every request, with one token request and bounded JWKS downloads", async () => {
    const result = await runLoad({ durationSeconds: 3, connections: 10 });
    console.log(JSON.stringify(result));
    expect(result.bff.requests).toBeGreaterThan(20);
    expect(result.bff.non2xx).toBe(0);
    expect(result.bff.errors).toBe(0);
    expect(result.bff.tokenRequests).toBe(1);
    expect(result.service.requests).toBeGreaterThan(20);
    expect(result.service.non2xx).toBe(0);
    expect(result.service.errors).toBe(0);
    expect(result.forged.requests).toBeGreaterThan(20);
    expect(result.forged.statusCodes).toEqual({ 401: result.forged.requests });
    // Unknown kids may refetch the key set once per cooldown (remote-jwks.ts): a slow
    // machine stretches the run over more than one.
    expect(result.forged.jwksRequests).toBeLessThanOrEqual(1 + Math.floor(result.forged.durationMs / JWKS_COOLDOWN_MS));
    expect(result.leaks).toBe(0);
  }, 120_000);
});
