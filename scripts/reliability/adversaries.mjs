// What two adversaries of SECURITY.md can cost MyBFF (issue 29), measured on the whole
// system in one Miniflare (test/support/local-network.ts):
// - a KV writer, who can write TOKEN_CACHE but has no secret:
//   - plants a 24 MiB value shaped like a sealed record under the token key and the
//     back-off key (L1): the first request of the cold isolate that meets it, and of
//     the next cold isolate, against one that finds the token in KV; what is left under
//     the keys; token requests;
//   - replays an old sealed record whose token MyService now refuses (its key rotated
//     out) before each of several cold isolates (I2): token requests, MyService
//     refusals and failed requests per cold isolate;
// - a binding holder, another Worker bound to MyBFF's token coordinator, asking as fast
//   as it can for a fresher token and reporting the token it holds as refused (L2):
//   token requests, and MyBFF's answers meanwhile.
//
//   node scripts/reliability/adversaries.mjs [--holder-seconds 30] [--rounds 5]
//
// Exports measureKvWriter() and measureBindingHolder() for `npm run reliability`.
import { buildWorker } from "../build-workers.mjs";
import { WRANGLER_ENV } from "../local-stack.mjs";
import { teachMyServiceTheNewKeys } from "./token-faults.mjs";
import { loadHarness, statusOf } from "./token-storm.mjs";

/** `v1.<16-character iv>.<base64url>`, 24 MiB: the shape of a sealed record, the size of none (KV's limit is 25 MiB). */
const HUGE = `v1.AAAAAAAAAAAAAAAA.${"A".repeat(24 * 1024 * 1024 - 20)}`;

async function timed(promise) {
  const started = performance.now();
  const status = await statusOf(promise);
  return { status, ms: performance.now() - started };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? null : sorted[Math.floor((sorted.length - 1) / 2)];
};
const round1 = (ms) => Math.round(ms * 10) / 10;
const summary = (values) => ({ median: round1(median(values)), min: round1(Math.min(...values)), max: round1(Math.max(...values)) });

let harness;
/**
 * The system in one Miniflare with `options`, after bff-1's first request: the network,
 * MyBFF's KV namespace and the token's key in it. The workers are built and the harness
 * bundled once per process.
 */
async function startWithToken(options) {
  harness ??= (async () => {
    Object.assign(process.env, WRANGLER_ENV);
    for (const worker of ["cognito-local", "service", "bff"]) buildWorker(worker);
    return loadHarness();
  })();
  const net = await (await harness).startLocalNetwork(options);
  if ((await statusOf(net.bff(1).fetch("/weatherforecast"))) !== 200) {
    await net.dispose();
    throw new Error("the system did not start");
  }
  const kv = await net.tokenCache();
  return { net, kv, tokenKey: await tokenKeyOf(kv) };
}

/** The token's KV key (cc-token/v1/<hash>.<tag>) once MyBFF has stored a token. */
async function tokenKeyOf(kv) {
  for (let tries = 0; tries < 100; tries++) {
    const key = (await kv.list({ prefix: "cc-token/" })).keys[0]?.name;
    if (key) return key;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("MyBFF stored no token in KV");
}
const backOffKeyOf = (tokenKey) => `cc-backoff/v2/${tokenKey.slice(tokenKey.lastIndexOf("/") + 1)}`;

/**
 * L1: per round, three cold isolates one after the other: one finds the token in KV;
 * then 24 MiB is planted under the token key and the back-off key, and the next meets
 * it; the third comes after.
 */
async function oversized(rounds) {
  const { net, kv, tokenKey } = await startWithToken({ bffCount: 1 + 3 * rounds });
  try {
    const times = { tokenInKv: [], planted: [], after: [] };
    let failed = 0;
    let tokenRequests = 0;
    let leftOver = 0;
    for (let r = 0; r < rounds; r++) {
      const isolate = (n) => net.bff(2 + 3 * r + n).fetch("/weatherforecast");
      const before = await net.tokenRequests();
      const results = [await timed(isolate(0))];
      await kv.put(tokenKey, HUGE);
      await kv.put(backOffKeyOf(tokenKey), HUGE);
      results.push(await timed(isolate(1)));
      // Lengths only: what is left under the keys once the isolate has answered.
      const left = [(await kv.get(tokenKey)) ?? "", (await kv.get(backOffKeyOf(tokenKey))) ?? ""];
      leftOver += left.filter((value) => value.length > 10_000).length;
      results.push(await timed(isolate(2)));
      tokenRequests += (await net.tokenRequests()) - before;
      failed += results.filter((result) => result.status !== 200).length;
      for (const [i, name] of ["tokenInKv", "planted", "after"].entries()) times[name].push(results[i].ms);
    }
    return {
      rounds,
      tokenInKvMs: summary(times.tokenInKv),
      plantedMs: summary(times.planted),
      afterMs: summary(times.after),
      tokenRequestsPerRound: tokenRequests / rounds,
      failedRequests: failed,
      oversizedValuesLeft: leftOver,
      refusedLogLines: net.logs.filter((line) => line.includes('"token_cache_value_refused"')).length,
    };
  } finally {
    await net.dispose();
  }
}

/** I2: an old record, its token refused by MyService since a key rotation, planted before each of `isolates` cold isolates. */
async function replay(isolates) {
  const { net, kv, tokenKey } = await startWithToken({ bffCount: 1 + isolates });
  try {
    const oldRecord = await kv.get(tokenKey);
    await net.cognito("/_dev/keys/rotate?dropPrevious=true", { method: "POST" });
    await teachMyServiceTheNewKeys(net);
    const before = await net.tokenRequests();
    const refusedBefore = net.logs.filter((line) => line.includes('"token_refused"')).length;
    const statuses = [];
    for (let i = 2; i <= 1 + isolates; i++) {
      await kv.put(tokenKey, oldRecord);
      statuses.push(await statusOf(net.bff(i).fetch("/weatherforecast")));
    }
    return {
      isolates,
      failedRequests: statuses.filter((status) => status !== 200).length,
      tokenRequests: (await net.tokenRequests()) - before,
      // MyBFF logs each token MyService refused (401) before it retries with a new one.
      myServiceRefusals: net.logs.filter((line) => line.includes('"token_refused"')).length - refusedBefore,
    };
  } finally {
    await net.dispose();
  }
}

/**
 * Measures the KV writer's two attacks.
 * @example
 * const { oversized, replay } = await measureKvWriter({ rounds: 5, isolates: 6 });
 */
export async function measureKvWriter({ rounds = 5, isolates = 6 } = {}) {
  return { oversized: await oversized(rounds), replay: await replay(isolates) };
}

/**
 * L2: for `seconds`, another Worker bound to the coordinator asks for a token fresher
 * than now and reports the one it holds as refused, one ask after the other; MyBFF
 * serves a request every 100 ms meanwhile. Then one ask with a fresherThan in the future.
 */
export async function measureBindingHolder({ seconds = 30 } = {}) {
  const { net, tokenKey: key } = await startWithToken({ coordinator: "on", coordinatorHolder: true });
  try {
    let held = (await net.askCoordinator({ key })).token?.accessToken;
    const before = await net.tokenRequests();
    const started = Date.now();
    let asks = 0;
    let stop = false;
    const bffStatuses = [];
    const bffLoop = (async () => {
      while (!stop) {
        bffStatuses.push(await statusOf(net.bff(1).fetch("/weatherforecast")));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    while (Date.now() - started < seconds * 1000) {
      await net.askCoordinator({ key, fresherThan: Date.now() });
      const report = await net.askCoordinator({ key, refused: held });
      if (report.token) held = report.token.accessToken;
      asks += 2;
    }
    stop = true;
    await bffLoop;
    const elapsedMs = Date.now() - started;
    const forced = (await net.tokenRequests()) - before;
    const future = await net.askCoordinator({ key, fresherThan: 9e15 });
    return {
      seconds: Math.round(elapsedMs / 100) / 10,
      asks,
      tokenRequests: forced,
      // The first forced renewal at once, then at most one per 10 s begun.
      maxTokenRequests: 1 + Math.ceil(elapsedMs / 10_000),
      futureAskRefused: typeof future.error === "string" && (await net.tokenRequests()) - before === forced,
      bffRequests: bffStatuses.length,
      bffFailed: bffStatuses.filter((status) => status !== 200).length,
    };
  } finally {
    await net.dispose();
  }
}

if (process.argv[1] === import.meta.filename) {
  const option = (name, fallback) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const writer = await measureKvWriter({ rounds: option("--rounds", 5) });
  const holder = await measureBindingHolder({ seconds: option("--holder-seconds", 30) });
  console.log(JSON.stringify({ writer, holder }, null, 2));
}
