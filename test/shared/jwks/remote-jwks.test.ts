// Key fetching under pressure: once per isolate, one fetch per cooldown for unknown
// kids whatever the flood, shared fetches, timeouts, size caps and stale keys kept.
import { beforeEach, describe, expect, it } from "vitest";
import { CognitoAccessTokenVerifier } from "../../../shared/cognito/cognito-verifier";
import type { JwksUnavailableError, TokenRejectedError } from "../../../shared/errors";
import { makeKey, TEST_CLIENT_ID, TestIssuer } from "../../workerd/test-issuer";

let issuer: TestIssuer;
let clock: number;

function createVerifier(jwks: Record<string, unknown> = {}) {
  return new CognitoAccessTokenVerifier({
    issuer: issuer.issuer,
    clientIds: [TEST_CLIENT_ID],
    jwks: { fetch: issuer.fetch, cooldownMs: 30_000, ...jwks },
    now: () => clock,
  });
}

beforeEach(async () => {
  issuer = await TestIssuer.create();
  clock = Date.now();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as TokenRejectedError | JwksUnavailableError).code;
  }
  return "accepted";
}

describe("the issuer's key set", () => {
  it("is fetched once for many verifications", async () => {
    const verifier = createVerifier();
    for (let i = 0; i < 20; i++) await verifier.verify(await issuer.sign());
    expect(issuer.fetchCount).toBe(1);
  });

  it("is fetched once when the first requests of an isolate arrive together", async () => {
    const verifier = createVerifier();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => issuer.sign()));
    await Promise.all(tokens.map((token) => verifier.verify(token)));
    expect(issuer.fetchCount).toBe(1);
  });

  it("is fetched at most once per cooldown for a flood of unknown kids", async () => {
    const verifier = createVerifier();
    await verifier.verify(await issuer.sign());
    const attacker = await makeKey("attacker");
    const forged = await Promise.all(
      Array.from({ length: 100 }, (_, i) => issuer.sign(issuer.claims(), { key: { ...attacker, kid: `forged-${i}` } })),
    );
    const codes = await Promise.all(forged.map((token) => codeOf(verifier.verify(token))));
    expect(new Set(codes)).toEqual(new Set(["KID_UNKNOWN"]));
    expect(issuer.fetchCount).toBe(2); // the first load, then one refetch for the whole flood

    clock += 29_000;
    for (const token of forged.slice(0, 10)) await codeOf(verifier.verify(token));
    expect(issuer.fetchCount).toBe(2);
    clock += 1_000;
    for (const token of forged.slice(0, 10)) await codeOf(verifier.verify(token));
    expect(issuer.fetchCount).toBe(3);
  });

  it("picks up a new key (rotation) through the refetch an unknown kid causes", async () => {
    const verifier = createVerifier();
    await verifier.verify(await issuer.sign());
    clock += 1_000; // seconds after the first load: no cooldown applies yet
    const rotated = await makeKey("test-key-2");
    issuer.published.push(rotated.publicJwk);
    await expect(verifier.verify(await issuer.sign(issuer.claims(), { key: rotated }))).resolves.toBeDefined();
    expect(issuer.fetchCount).toBe(2);
  });

  it("picks up two rotations seconds apart: a fetch that finds its kid starts no cooldown", async () => {
    const verifier = createVerifier();
    await verifier.verify(await issuer.sign());
    for (const kid of ["test-key-2", "test-key-3"]) {
      clock += 1_000;
      const rotated = await makeKey(kid);
      issuer.published.push(rotated.publicJwk);
      await expect(verifier.verify(await issuer.sign(issuer.claims(), { key: rotated }))).resolves.toBeDefined();
    }
    expect(issuer.fetchCount).toBe(3);
  });

  it.each(["down", "500", "garbage", "huge"] as const)("keeps the keys it knows when the endpoint turns %s", async (behaviour) => {
    const verifier = createVerifier();
    await verifier.verify(await issuer.sign());
    issuer.behaviour = behaviour;
    clock += 60_000;
    // A known key keeps working; an unknown kid fails fast as unknown.
    await expect(verifier.verify(await issuer.sign())).resolves.toBeDefined();
    expect(await codeOf(verifier.verify(await issuer.sign(issuer.claims(), { key: await makeKey("new") })))).toBe("KID_UNKNOWN");
  });

  it("aborts a fetch that hangs after its timeout and keeps the known keys", async () => {
    const verifier = createVerifier({ timeoutMs: 50 });
    await verifier.verify(await issuer.sign());
    issuer.behaviour = "hang";
    clock += 60_000;
    const started = Date.now();
    expect(await codeOf(verifier.verify(await issuer.sign(issuer.claims(), { key: await makeKey("new") })))).toBe("KID_UNKNOWN");
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(verifier.verify(await issuer.sign())).resolves.toBeDefined();
  });

  it("answers JWKS_UNAVAILABLE when no key set was ever fetched", async () => {
    issuer.behaviour = "down";
    const verifier = createVerifier();
    expect(await codeOf(verifier.verify(await issuer.sign()))).toBe("JWKS_UNAVAILABLE");
  });

  it("does not refetch on every request while the endpoint is down at a cold start", async () => {
    issuer.behaviour = "down";
    const verifier = createVerifier();
    const token = await issuer.sign();
    for (let i = 0; i < 10; i++) await codeOf(verifier.verify(token));
    expect(issuer.fetchCount).toBe(1);
    clock += 1_000;
    issuer.behaviour = "ok";
    await expect(verifier.verify(token)).resolves.toBeDefined();
    expect(issuer.fetchCount).toBe(2);
  });

  it("retries a failing background refresh every 30 s, not on every request", async () => {
    const pending: Promise<unknown>[] = [];
    const verifier = createVerifier({ maxAgeMs: 600_000, cooldownMs: 5_000 });
    const token = await issuer.sign();
    await verifier.verify(token);
    issuer.behaviour = "down";
    clock += 600_001;
    for (let i = 0; i < 50; i++) {
      await verifier.verify(token, { waitUntil: (p) => pending.push(p) });
      await Promise.all(pending);
      clock += 1_000;
    }
    // 50 s of requests on a stale set with the endpoint down: attempts at 0 s and 30 s.
    expect(issuer.fetchCount).toBe(3);
  });

  it("refreshes an old key set in the background, and forgets tokens of keys that left it", async () => {
    const pending: Promise<unknown>[] = [];
    const verifier = createVerifier({ maxAgeMs: 600_000 });
    const token = await issuer.sign();
    await verifier.verify(token);

    const replacement = await makeKey("test-key-2");
    issuer.published = [replacement.publicJwk];
    clock += 600_001;
    // Still served from the known key while the refresh runs in the background.
    await expect(verifier.verify(token, { waitUntil: (p) => pending.push(p) })).resolves.toBeDefined();
    expect(pending).toHaveLength(1);
    await Promise.all(pending);
    expect(issuer.fetchCount).toBe(2);
    // The key is gone from the issuer's set: the cached verdict is gone with it.
    expect(await codeOf(verifier.verify(token))).toBe("KID_UNKNOWN");
  });
});
