// The key set shared between isolates through the Cache API, in workerd (the `shared`
// project only: Node has no Cache API). Each verifier here stands for an isolate: its
// own memory, one cache between them, a fake clock, real keys and tokens.
import { beforeEach, describe, expect, it } from "vitest";
import { CognitoAccessTokenVerifier } from "../../../shared/cognito/cognito-verifier";
import type { LogFields, LogLevel } from "../../../shared/log";
import { sealedEntry, sharedKeySetCacheKey } from "../../support/shared-key-set-entry";
import { makeKey, TEST_CLIENT_ID, TestIssuer } from "../../workerd/test-issuer";
import { runJwksFlood } from "../jwks/jwks-flood";

const SECRET = "a-test-secret-of-this-worker-0123456789";
const MAX_AGE_MS = 600_000;
const STALE_IF_ERROR_MS = 1_800_000;

let issuer: TestIssuer;
let cache: Cache;
let clock: number;
let pending: Promise<unknown>[];
let events: Array<{ level: LogLevel; event: string; fields: LogFields }>;
const waitUntil = (promise: Promise<unknown>) => void pending.push(promise);

function isolate(shared: Record<string, unknown> | null = {}) {
  return new CognitoAccessTokenVerifier({
    issuer: issuer.issuer,
    clientIds: [TEST_CLIENT_ID],
    jwks: {
      fetch: issuer.fetch,
      maxAgeMs: MAX_AGE_MS,
      shared: shared === null ? null : { cache, secret: SECRET, staleIfErrorMs: STALE_IF_ERROR_MS, ...shared },
    },
    logger: (level, event, fields) => void events.push({ level, event, fields }),
    now: () => clock,
  });
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "accepted";
  } catch (error) {
    return (error as { code: string }).code;
  }
}

/** The first isolate: verifies a token, and its copy is written before the next starts. */
async function firstIsolateFetches(): Promise<void> {
  await isolate().verify(await issuer.sign(), { waitUntil });
  await Promise.all(pending);
  pending = [];
}

const cacheKey = () => sharedKeySetCacheKey(issuer.jwksUri, SECRET);
const mac = async (secret: string, fetchedAt: number, keySet: string) => (await sealedEntry(issuer.jwksUri, secret, fetchedAt, keySet)).mac;

async function plant(entry: Record<string, unknown>): Promise<void> {
  await cache.put(await cacheKey(), Response.json(entry, { headers: { "Cache-Control": "max-age=3600" } }));
}

beforeEach(async () => {
  issuer = await TestIssuer.create();
  cache = await caches.open(`jwks-test-${crypto.randomUUID()}`);
  clock = Date.now();
  pending = [];
  events = [];
});

describe("a key set shared between isolates", () => {
  it("lets a second isolate verify its first token with no key-set request", async () => {
    await firstIsolateFetches();
    expect(issuer.fetchCount).toBe(1);
    clock += MAX_AGE_MS - 1;
    await expect(isolate().verify(await issuer.sign())).resolves.toMatchObject({ client_id: TEST_CLIENT_ID });
    expect(issuer.fetchCount).toBe(1);
  });

  it("is not used when turned off: each isolate fetches its own", async () => {
    await isolate(null).verify(await issuer.sign(), { waitUntil });
    await Promise.all(pending);
    await isolate(null).verify(await issuer.sign());
    expect(issuer.fetchCount).toBe(2);
  });

  it("sends a copy older than maxAgeMs back to the URL, whose answer wins: a key the issuer removed is refused", async () => {
    await firstIsolateFetches();
    const oldKeyToken = await issuer.sign();
    const successor = await makeKey("test-key-2");
    issuer.published = [successor.publicJwk];
    clock += MAX_AGE_MS;
    const second = isolate();
    expect(await outcome(second.verify(oldKeyToken))).toBe("KID_UNKNOWN");
    expect(issuer.fetchCount).toBe(2);
    await expect(second.verify(await issuer.sign(issuer.claims(), { key: successor }))).resolves.toBeDefined();
  });
});

describe("stale keys while the key-set URL fails", () => {
  it("serve a cold isolate until staleIfErrorMs after their fetch, then it answers JWKS_UNAVAILABLE", async () => {
    await firstIsolateFetches();
    issuer.behaviour = "500";
    const token = await issuer.sign();
    clock += STALE_IF_ERROR_MS - 1_000;
    const second = isolate();
    expect(await outcome(second.verify(token))).toBe("accepted");
    expect(issuer.fetchCount).toBe(2); // it asked the URL first
    expect(events.map((e) => e.event)).toContain("jwks_stale_shared_copy_used");

    clock += 1_000; // the bound: the verdict cached under that key goes with it
    expect(await outcome(second.verify(token))).toBe("JWKS_UNAVAILABLE");
    expect(await outcome(isolate().verify(token))).toBe("JWKS_UNAVAILABLE");
  });

  it("keeps asking the URL, and once it answers a key the issuer removed is refused", async () => {
    await firstIsolateFetches();
    const oldKeyToken = await issuer.sign();
    issuer.behaviour = "down";
    clock += MAX_AGE_MS + 1;
    const second = isolate();
    expect(await outcome(second.verify(oldKeyToken, { waitUntil }))).toBe("accepted");
    const successor = await makeKey("test-key-2");
    issuer.published = [successor.publicJwk];
    issuer.behaviour = "ok";
    clock += 30_000; // today's retry of a stale set
    expect(await outcome(second.verify(oldKeyToken, { waitUntil }))).toBe("accepted"); // served while the refresh runs
    await Promise.all(pending);
    expect(await outcome(second.verify(oldKeyToken))).toBe("KID_UNKNOWN");
    expect(await outcome(second.verify(await issuer.sign(issuer.claims(), { key: successor })))).toBe("accepted");
  });
});

describe("a planted key set", () => {
  it("is never trusted: the attacker's token is refused, with the URL up or down", async () => {
    const attacker = await makeKey("test-key-1"); // the issuer's own kid, the attacker's key
    const other = await makeKey("attacker-kid");
    const keySet = JSON.stringify({ keys: [attacker.publicJwk, other.publicJwk] });
    const fetchedAt = clock;
    await plant({
      v: 1,
      jwksUri: issuer.jwksUri,
      fetchedAt,
      keySet,
      mac: await mac("the-attacker-guessed-another-secret!!", fetchedAt, keySet),
    });
    const forged = await issuer.sign(issuer.claims(), { key: attacker });
    const forgedOtherKid = await issuer.sign(issuer.claims(), { key: other });

    issuer.behaviour = "down";
    expect(await outcome(isolate().verify(forged))).toBe("JWKS_UNAVAILABLE");
    expect(events.map((e) => e.event)).toContain("jwks_shared_copy_refused");
    issuer.behaviour = "ok";
    expect(await outcome(isolate().verify(forged))).toBe("SIGNATURE_INVALID");
    expect(await outcome(isolate().verify(forgedOtherKid))).toBe("KID_UNKNOWN");
  });

  it("cannot add a key to an authentic copy, nor move its fetch time", async () => {
    await firstIsolateFetches();
    const stored = (await (await cache.match(await cacheKey()))!.json()) as { fetchedAt: number; keySet: string; mac: string };
    const attacker = await makeKey("attacker-kid");
    const keys = (JSON.parse(stored.keySet) as { keys: unknown[] }).keys;
    await plant({ ...stored, keySet: JSON.stringify({ keys: [...keys, attacker.publicJwk] }) });
    issuer.behaviour = "down";
    expect(await outcome(isolate().verify(await issuer.sign(issuer.claims(), { key: attacker })))).toBe("JWKS_UNAVAILABLE");

    // An old authentic copy relabelled as just fetched does not authenticate either.
    await plant({ ...stored, fetchedAt: stored.fetchedAt + STALE_IF_ERROR_MS });
    clock += STALE_IF_ERROR_MS;
    expect(await outcome(isolate().verify(await issuer.sign()))).toBe("JWKS_UNAVAILABLE");
  });
});

describe("the refetch budget with a shared key set", () => {
  it.each([5_041, 30_001])(
    "holds under a kid flood: at most 12 fetches a minute, a key rotated in at %i ms accepted within 5 s",
    async (rotateAtMs) => {
      let time = Date.now();
      const result = await runJwksFlood({
        now: () => time,
        sleepUntil: async (until) => {
          time = Math.max(time, until);
        },
        rotateAtMs,
        jwks: { shared: { cache, secret: SECRET } },
      });
      expect(result.forgedCodes).toEqual(["KID_UNKNOWN"]);
      expect(result.jwksFetches).toBeLessThanOrEqual(12);
      expect(result.rotationPickupMs).not.toBeNull();
      expect(result.rotationPickupMs!).toBeLessThanOrEqual(5_000);
    },
  );
});

describe("options", () => {
  it("refuse a short secret and a bound below maxAgeMs", () => {
    expect(() => isolate({ secret: "short" })).toThrow(/jwks.shared.secret/);
    expect(() => isolate({ staleIfErrorMs: MAX_AGE_MS - 1 })).toThrow(/staleIfErrorMs/);
  });
});
