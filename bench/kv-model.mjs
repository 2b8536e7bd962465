// Token requests across Cloudflare locations: a model of Workers KV's consistency
// driving this project's real ClientCredentialsTokenCache (and its real token
// coordinator), on a simulated clock, for 1 to 300 locations of 8 isolates each,
// 24 simulated hours of 1-hour tokens. `npm run bench` runs it (section 6 of
// bench/RESULTS.md); `node bench/kv-model.mjs` alone prints the table.
//
// What the model takes from Cloudflare's documentation:
// - A write goes to central stores; the writing location sees it at once, other
//   locations only when their cached copy times out ("How KV works",
//   https://developers.cloudflare.com/kv/concepts/how-kv-works/: "Changes may take up
//   to 60 seconds or more to be visible in other global network locations as their
//   cached versions of the data time out"; "At the Cloudflare global network location
//   at which changes are made, these changes are usually immediately visible").
// - Each location caches what it read for `cacheTtl`, 60 s by default
//   (https://developers.cloudflare.com/kv/api/read-key-value-pairs/: "defaults to 60
//   seconds"), and that includes a key that was not there ("Negative lookups
//   indicating that the key does not exist are also cached", How KV works).
// - An expired key is gone even from a cache ("Expiration always takes precedence",
//   https://developers.cloudflare.com/kv/api/write-key-value-pairs/).
// - At most one write per second to a key; more fail with 429 (write-key-value-pairs:
//   "Writes made to the same key within 1 second will cause rate limiting (429)").
// The model is the documented worst case: KV also refreshes hot keys in the
// background before their cache expires (How KV works), which only shortens the lag.
//
// The same locations also model the issuer's key-set requests (`--key-sets`), with and
// without the key set shared through the Cache API (docs/key-sets.md), driving the real
// RemoteJwks: the Cache API is per location ("the contents of the cache do not replicate
// outside of the originating data center", https://developers.cloudflare.com/workers/runtime-apis/cache/),
// modelled as one map per location that every isolate of it sees at once.
import { jsonLineLogger, silentLogger } from "edge-cc-auth";
import { ClientCredentialsTokenCache } from "edge-cc-auth/client-credentials";
// The key set of the verifier, internal too, for the key-set model.
import { RemoteJwks } from "../shared/dist/jwks/remote-jwks.js";
// The coordinator's core without its Durable Object shell (which needs workerd): internal,
// so the model reaches into the built package rather than its public entry points.
import { TokenCoordinatorCore } from "../shared/dist/token-coordinator/core.js";

const HOUR = 3_600_000;
const CACHE_TTL_MS = 60_000;
// An assumption, not a documented figure: Cloudflare does not say how long an isolate
// lives. Isolates are replaced (a new, cold one reads KV again) after 10 minutes on
// average; without such turnover a location would read the key only when it renews,
// and KV's lag would hardly show.
const ISOLATE_LIFETIME_MS = 600_000;

/** A seeded generator (mulberry32): the same seed, the same run. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One KV namespace seen from several locations. */
class KvModel {
  central = new Map(); // key -> { value, expiresAt, writtenAt }
  constructor(clock) {
    this.clock = clock;
  }

  location() {
    const cache = new Map(); // key -> { value, expiresAt, fetchedAt }
    const { central, clock } = this;
    return {
      async get(key) {
        const now = clock();
        const cached = cache.get(key);
        if (cached && now - cached.fetchedAt < CACHE_TTL_MS) return cached.expiresAt > now ? cached.value : null;
        const entry = central.get(key);
        const live = entry && entry.expiresAt > now ? entry : null;
        cache.set(key, { value: live?.value ?? null, expiresAt: live?.expiresAt ?? Number.POSITIVE_INFINITY, fetchedAt: now });
        return live?.value ?? null;
      },
      async put(key, value, options = {}) {
        const now = clock();
        const entry = central.get(key);
        if (entry && now - entry.writtenAt < 1000) throw new Error("KV PUT failed: 429 Too Many Requests");
        const expiresAt = now + (options.expirationTtl ?? 1e9) * 1000;
        central.set(key, { value, expiresAt, writtenAt: now });
        cache.set(key, { value, expiresAt, fetchedAt: now });
      },
      async delete(key) {
        const now = clock();
        central.delete(key);
        cache.set(key, { value: null, expiresAt: Number.POSITIVE_INFINITY, fetchedAt: now });
      },
    };
  }
}

/** A token endpoint that counts what it issues (1-hour tokens). */
function tokenEndpoint() {
  const endpoint = {
    requests: 0,
    fetch: async () => {
      endpoint.requests += 1;
      return Response.json({ access_token: `token-${endpoint.requests}`, expires_in: 3600, token_type: "Bearer" });
    },
  };
  return endpoint;
}

const SETTINGS = {
  tokenEndpoint: "https://auth.example.com/oauth2/token",
  clientId: "mybff",
  clientSecret: "model-secret",
  scopes: ["MyService/weather_read"],
  // Thousands of simulated isolates: errors only.
  logger: jsonLineLogger("error"),
};

const STRATEGIES = [
  { id: "isolate", label: "a per-isolate cache (no KV)" },
  { id: "kv", label: "KV, renewal at a random 75-85 % of the lifetime (this project's default)" },
  { id: "kv-spread", label: "KV, renewal slot drawn from the location (getToken({ location }))" },
  { id: "coordinator", label: "the token coordinator (a Durable Object), KV beside it" },
];

/**
 * Runs one strategy: `locations` x `isolates` caches, each isolate serving one request
 * every `requestEveryMs` (at its own phase), for `hours` simulated hours.
 * @returns {{ tokenRequests: number, perLifetime: number, kvWriteFailures: number }}
 */
async function simulate({
  strategy,
  locations,
  isolates = 8,
  hours = 24,
  requestEveryMs = 120_000,
  isolateLifetimeMs = ISOLATE_LIFETIME_MS,
  seed = 1,
}) {
  const random = seeded(seed * 7919 + locations);
  let now = 0;
  const clock = () => now;
  const kv = new KvModel(clock);
  const endpoint = tokenEndpoint();
  const memory = new Map();
  const coordinatorCore =
    strategy === "coordinator"
      ? new TokenCoordinatorCore(
          {
            get: async (k) => memory.get(k) ?? null,
            put: async (k, v) => void memory.set(k, v),
            delete: async (k) => void memory.delete(k),
          },
          { ...SETTINGS, fetch: endpoint.fetch, now: clock },
        )
      : null;
  const coordinator = coordinatorCore ? { token: (ask) => coordinatorCore.token(ask) } : null;
  let kvWriteFailures = 0;
  const caches = [];
  const newCache = (store) =>
    new ClientCredentialsTokenCache({ ...SETTINGS, kv: store, fetch: endpoint.fetch, now: clock, random, coordinator });
  for (let l = 0; l < locations; l++) {
    const view = strategy === "isolate" ? null : kv.location();
    const store = view && {
      get: view.get,
      delete: view.delete,
      put: (...args) =>
        view.put(...args).catch((error) => {
          kvWriteFailures += 1;
          throw error;
        }),
    };
    for (let i = 0; i < isolates; i++) {
      caches.push({ location: `LOC${l}`, phase: random() * requestEveryMs, store, cache: newCache(store) });
    }
  }
  caches.sort((a, b) => a.phase - b.phase);
  const pending = [];
  const waitUntil = (promise) => void pending.push(promise);
  const end = hours * HOUR;
  for (let tick = 0; tick < end; tick += requestEveryMs) {
    for (const slot of caches) {
      now = tick + slot.phase;
      // The isolate is replaced by a cold one with the probability of its dying since its last request.
      if (random() < requestEveryMs / isolateLifetimeMs) slot.cache = newCache(slot.store);
      await slot.cache.getToken({ waitUntil, location: strategy === "kv-spread" ? slot.location : undefined });
      // A renewal runs in the background, but finishes before the next request of the model.
      if (pending.length > 0) await Promise.all(pending.splice(0));
    }
  }
  return { tokenRequests: endpoint.requests, perLifetime: endpoint.requests / hours, kvWriteFailures };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Every strategy at 1, 10, 50 and 300 locations: token requests per lifetime, median
 * and range over `seeds` seeds (over one seed at 300 locations, which takes minutes).
 */
export async function tokenRequestsAcrossLocations({ seeds = 3, locationCounts = [1, 10, 50, 300], onStep } = {}) {
  const started = Date.now();
  const rows = [];
  const total = STRATEGIES.length * locationCounts.length;
  for (const strategy of STRATEGIES) {
    for (const locations of locationCounts) {
      const runs = [];
      const runsHere = locations >= 300 ? 1 : seeds;
      for (let seed = 1; seed <= runsHere; seed++) runs.push(await simulate({ strategy: strategy.id, locations, seed }));
      const perLifetime = runs.map((r) => r.perLifetime);
      rows.push({
        strategy: strategy.id,
        label: strategy.label,
        locations,
        runs: runs.length,
        perLifetime: { median: median(perLifetime), min: Math.min(...perLifetime), max: Math.max(...perLifetime) },
        kvWriteFailures: Math.max(...runs.map((r) => r.kvWriteFailures)),
      });
      onStep?.(rows.length, total, `${strategy.id}, ${locations} locations`);
    }
  }
  return {
    measuredAt: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    seeds,
    isolatesPerLocation: 8,
    hours: 24,
    tokenLifetimeHours: 1,
    requestEveryMs: 120_000,
    isolateLifetimeMs: ISOLATE_LIFETIME_MS,
    cacheTtlMs: CACHE_TTL_MS,
    rows,
  };
}

/** A Cache API cache of one location: what is put is matched at once, until its max-age. */
function locationCache(clock) {
  const entries = new Map();
  return {
    async match(key) {
      const entry = entries.get(key);
      return entry && entry.expiresAt > clock() ? new Response(entry.body) : undefined;
    },
    async put(key, response) {
      const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get("Cache-Control") ?? "")?.[1] ?? 0);
      entries.set(key, { body: await response.text(), expiresAt: clock() + maxAge * 1000 });
    },
  };
}

const KEY_SET_STRATEGIES = [
  { id: "isolate", label: "each isolate fetches its own key set (before 0.5.0; JWKS_SHARED_CACHE off)" },
  { id: "shared", label: "the key set shared through the location's Cache API (0.5.0 default)" },
];

/**
 * Key-set requests of one strategy: `locations` x `isolates` verifiers, each checking a
 * token of a known kid every `requestEveryMs`, isolates replaced as in {@link simulate}.
 * @returns {{ keySetRequests: number, perHour: number }}
 */
async function simulateKeySets({ strategy, locations, isolates = 8, hours = 24, requestEveryMs = 120_000, seed = 1 }) {
  const random = seeded(seed * 7919 + locations);
  let now = 0;
  const clock = () => now;
  const jwksUri = "https://issuer.example/.well-known/jwks.json";
  let requests = 0;
  const fetch = async () => {
    requests += 1;
    return Response.json({ keys: [{ kid: "k1", kty: "RSA", alg: "RS256", use: "sig", n: "model", e: "AQAB" }] });
  };
  const slots = [];
  for (let l = 0; l < locations; l++) {
    const cache = strategy === "shared" ? locationCache(clock) : null;
    const newJwks = () =>
      new RemoteJwks({
        jwksUri,
        fetch,
        now: clock,
        logger: silentLogger,
        shared: cache && { cache, secret: "model-secret-of-the-worker-0123456789" },
      });
    for (let i = 0; i < isolates; i++) slots.push({ phase: random() * requestEveryMs, newJwks, jwks: newJwks() });
  }
  slots.sort((a, b) => a.phase - b.phase);
  const pending = [];
  const waitUntil = (promise) => void pending.push(promise);
  // The verifier writes the shared copy a timer tick after its fetch (setTimeout 0), which
  // Node holds for at least 1 ms of real time: tens of thousands of them here. A 0 ms timer
  // is a setImmediate while the model runs: the same order (a later turn of the event loop).
  const { setTimeout: realSetTimeout } = globalThis;
  globalThis.setTimeout = (callback, ms, ...args) => (ms ? realSetTimeout(callback, ms, ...args) : setImmediate(callback, ...args));
  try {
    for (let tick = 0; tick < hours * HOUR; tick += requestEveryMs) {
      for (const slot of slots) {
        now = tick + slot.phase;
        if (random() < requestEveryMs / ISOLATE_LIFETIME_MS) slot.jwks = slot.newJwks();
        await slot.jwks.getKey("k1", waitUntil);
        // Everything the request left to waitUntil, including what that work handed on (a
        // background refresh hands on its write), ends before the next request, as in workerd.
        while (pending.length > 0) await Promise.all(pending.splice(0));
      }
    }
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  return { keySetRequests: requests, perHour: requests / hours };
}

/** Both key-set strategies at 1, 10, 50 and 300 locations: key-set requests per hour, median and range over `seeds` seeds. */
export async function keySetRequestsAcrossLocations({ seeds = 3, locationCounts = [1, 10, 50, 300], onStep } = {}) {
  const started = Date.now();
  const rows = [];
  const total = KEY_SET_STRATEGIES.length * locationCounts.length;
  for (const strategy of KEY_SET_STRATEGIES) {
    for (const locations of locationCounts) {
      const runs = [];
      for (let seed = 1; seed <= (locations >= 300 ? 1 : seeds); seed++)
        runs.push(await simulateKeySets({ strategy: strategy.id, locations, seed }));
      const perHour = runs.map((r) => r.perHour);
      rows.push({
        strategy: strategy.id,
        label: strategy.label,
        locations,
        runs: runs.length,
        perHour: { median: median(perHour), min: Math.min(...perHour), max: Math.max(...perHour) },
      });
      onStep?.(rows.length, total, `${strategy.id}, ${locations} locations`);
    }
  }
  return {
    measuredAt: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    seeds,
    isolatesPerLocation: 8,
    hours: 24,
    requestEveryMs: 120_000,
    isolateLifetimeMs: ISOLATE_LIFETIME_MS,
    rows,
  };
}

if (process.argv[1] === import.meta.filename && process.argv.includes("--key-sets")) {
  // node bench/kv-model.mjs --key-sets [seeds] [locations,...]: the key-set table alone.
  const [seeds = "3", counts = "1,10,50,300"] = process.argv.slice(2).filter((arg) => arg !== "--key-sets");
  const started = Date.now();
  const result = await keySetRequestsAcrossLocations({
    seeds: Number(seeds),
    locationCounts: counts.split(",").map(Number),
    onStep: (done, total, what) => console.error(`${done}/${total} ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`),
  });
  console.table(result.rows.map((r) => ({ strategy: r.strategy, locations: r.locations, ...r.perHour })));
} else if (process.argv[1] === import.meta.filename) {
  const started = Date.now();
  const result = await tokenRequestsAcrossLocations({
    seeds: Number(process.argv[2] ?? 3),
    onStep: (done, total, what) => console.error(`${done}/${total} ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`),
  });
  console.table(
    result.rows.map((r) => ({ strategy: r.strategy, locations: r.locations, ...r.perLifetime, kvWriteFailures: r.kvWriteFailures })),
  );
  const out = process.argv.indexOf("--json");
  if (out > 0) (await import("node:fs")).writeFileSync(process.argv[out + 1], `${JSON.stringify(result, null, 2)}\n`);
}
