import { join } from "node:path";
import autocannon from "autocannon";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { DEV_CLIENT_SECRET, devBffVars, WORKERS_RUNTIME } from "../dev-settings.mjs";
import { ROOT } from "../local-stack.mjs";
import { cognitoLocalWorker, myServiceWorker } from "../miniflare-workers.mjs";

const DEV_SECRET = DEV_CLIENT_SECRET;

// Loopback ports the workers believe they talk to; the router maps them to workers.
const COGNITO = "http://127.0.0.1:8789";
const SERVICE = "http://127.0.0.1:8787";

const ROUTER = `
const counts = { tokenRequests: 0, myServiceRequests: 0 };
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.hostname === "counts.internal") {
      if (request.method === "POST") { counts.tokenRequests = 0; counts.myServiceRequests = 0; }
      return Response.json(counts);
    }
    // MyBFF's MY_SERVICE binding lands here too (its host is myservice.internal).
    if (url.hostname === "myservice.internal" || url.port === "8787") {
      counts.myServiceRequests++;
      return env.MY_SERVICE.fetch(request);
    }
    if (url.port === "8789") {
      if (url.pathname === "/oauth2/token") counts.tokenRequests++;
      return env.COGNITO.fetch(request);
    }
    throw new Error("connection refused: " + url.host);
  },
};`;

let config;
/** MyBFF's Miniflare options from workers/bff/wrangler.toml, read once. */
function bffConfig() {
  config ??= unstable_getMiniflareWorkerOptions(join(ROOT, "workers/bff/wrangler.toml")).workerOptions;
  return config;
}

/** `simple` of MyBFF's rate limit, as workers/bff/wrangler.toml declares it. */
export function configuredRateLimit() {
  const [entry] = Object.values(bffConfig().ratelimits ?? {});
  if (!entry) throw new Error("workers/bff/wrangler.toml declares no [[ratelimits]]");
  return { binding: entry.name, namespaceId: entry.namespace_id, limit: entry.simple.limit, period: entry.simple.period };
}

/**
 * MyBFF with its rate limit, MyService and cognito-local in one Miniflare.
 * @param {{ ratelimit?: { limit: number, period: 10 | 60 } | null, bffVars?: Record<string,string>, port?: number }} options
 *   ratelimit: the binding's `simple` (default: wrangler.toml's); null: no binding.
 *   port: also serve MyBFF over HTTP on 127.0.0.1:port (for load runs).
 */
export async function startRateLimitedBff(options = {}) {
  const config = bffConfig();
  const { binding, namespaceId } = configuredRateLimit();
  const simple = options.ratelimit === undefined ? configuredRateLimit() : options.ratelimit;
  const logs = [];
  const collect = (stream) => {
    let buffered = "";
    stream.on("data", (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop();
      logs.push(...lines.filter((line) => line.trim() !== ""));
    });
  };
  const mf = new Miniflare({
    ...(options.port ? { host: "127.0.0.1", port: options.port } : {}),
    handleRuntimeStdio: (stdout, stderr) => {
      collect(stdout);
      collect(stderr);
    },
    workers: [
      {
        name: "bff",
        modules: true,
        scriptPath: join(ROOT, ".build/bff/index.js"),
        ...WORKERS_RUNTIME,
        bindings: {
          ...Object.fromEntries(Object.entries(config.bindings ?? {}).filter(([, v]) => typeof v === "string")),
          ...devBffVars(COGNITO, SERVICE),
          AUTH_SERVER_MYBFF_CLIENT_SECRET: DEV_SECRET,
          ...options.bffVars,
        },
        kvNamespaces: { TOKEN_CACHE: "rate-limit-token-cache" },
        // miniflare 4.20260730 requires the namespace id, as a deploy does.
        ratelimits: simple ? { [binding]: { namespace_id: namespaceId, simple: { limit: simple.limit, period: simple.period } } } : {},
        serviceBindings: { MY_SERVICE: "router" },
        outboundService: "router",
        assets: config.assets,
      },
      {
        name: "router",
        modules: true,
        script: ROUTER,
        ...WORKERS_RUNTIME,
        serviceBindings: { COGNITO: "cognito-local", MY_SERVICE: "myservice" },
      },
      myServiceWorker(),
      cognitoLocalWorker(),
    ],
  });
  const url = await mf.ready;
  const call = async (worker, target, init) => (await mf.getWorker(worker)).fetch(target, init);
  /** @returns {Promise<{ tokenRequests: number, myServiceRequests: number }>} */
  const counts = async (init) => (await call("router", "http://counts.internal/", init)).json();
  return {
    /** MyBFF's HTTP address (when `port` was given). */
    url: url.origin,
    /** A request to MyBFF from `address` (sent as CF-Connecting-IP; none when null), at `origin`. */
    // Through Miniflare's entry, as a browser would come: static assets first, then the worker.
    fetch: (path, { address = "203.0.113.1", origin = "http://127.0.0.1:8788", ...init } = {}) =>
      mf.dispatchFetch(`${origin}${path}`, {
        ...init,
        headers: { ...(address ? { "CF-Connecting-IP": address } : {}), ...init.headers },
      }),
    /** Token requests and MyService requests since the start (or the last reset). */
    counts: () => counts(),
    resetCounts: () => counts({ method: "POST" }),
    logs,
    dispose: () => mf.dispose(),
  };
}

/**
 * Milliseconds until the current window of the simulated limiter has at least
 * `marginMs` left: Miniflare counts in fixed windows of `period` seconds since the
 * epoch, so a burst started right after a boundary is counted in one window.
 */
export function msUntilFreshWindow(periodSeconds, marginMs = 4000) {
  const periodMs = periodSeconds * 1000;
  const left = periodMs - (Date.now() % periodMs);
  return left >= marginMs ? 0 : left + 50;
}

/** Waits for a fresh window of the limiter (see msUntilFreshWindow). */
export async function waitForFreshWindow(periodSeconds, marginMs) {
  const wait = msUntilFreshWindow(periodSeconds, marginMs);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

function load(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * A short load run from one address against MyBFF's /weatherforecast, then one
 * request from another address.
 * `windows` is how many of the limiter's periods the run touched, so at most
 * `maxAllowed` = limit x windows requests may pass; each one that passes makes one
 * MyService request (`ok` can be a few lower: autocannon does not count answers
 * that arrive after its last second).
 * @returns {Promise<{ limit: number, periodSeconds: number, durationSeconds: number, connections: number,
 *   windows: number, maxAllowed: number, requests: number, ok: number, limited: number, other: number,
 *   tokenRequests: number, myServiceRequests: number, otherAddressStatus: number, retryAfter: string | null }>}
 */
export async function measureRateLimit({ durationSeconds = 5, connections = 10, port = 18798 } = {}) {
  const bff = await startRateLimitedBff({ port });
  try {
    const { limit, period } = configuredRateLimit();
    await waitForFreshWindow(period, Math.min(period * 1000 - 500, durationSeconds * 1000 + 2000));
    const firstWindow = Math.floor(Date.now() / (period * 1000));
    const result = await load({
      url: `${bff.url}/weatherforecast`,
      connections,
      duration: durationSeconds,
      headers: { "CF-Connecting-IP": "203.0.113.7" },
    });
    // Requests still in flight when the run stops are answered after it: wait for them.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const windows = Math.floor(Date.now() / (period * 1000)) - firstWindow + 1;
    const counts = await bff.counts();
    const codes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]));
    const limitedAnswer = await bff.fetch("/weatherforecast", { address: "203.0.113.7" });
    await limitedAnswer.body?.cancel();
    const other = await bff.fetch("/weatherforecast", { address: "198.51.100.9" });
    await other.body?.cancel();
    const ok = codes["200"] ?? 0;
    const limited = codes["429"] ?? 0;
    return {
      limit,
      periodSeconds: period,
      durationSeconds,
      connections,
      windows,
      maxAllowed: limit * windows,
      requests: result.requests.total,
      ok,
      limited,
      other: result.requests.total - ok - limited,
      tokenRequests: counts.tokenRequests,
      myServiceRequests: counts.myServiceRequests,
      otherAddressStatus: other.status,
      retryAfter: limitedAnswer.headers.get("Retry-After"),
    };
  } finally {
    await bff.dispose();
  }
}

if (process.argv[1] === import.meta.filename) {
  const [seconds = "5", connections = "10"] = process.argv.slice(2);
  const figures = await measureRateLimit({ durationSeconds: Number(seconds), connections: Number(connections) });
  console.log(
    `MyBFF rate limit (${figures.limit} per ${figures.periodSeconds} s per address), ${figures.durationSeconds} s at ` +
      `${figures.connections} connections from one address (${figures.windows} periods, at most ${figures.maxAllowed} allowed): ` +
      `${figures.requests} requests, ${figures.ok} x 200, ${figures.limited} x 429 (Retry-After: ${figures.retryAfter}), ` +
      `${figures.other} other; ${figures.myServiceRequests} MyService requests, ${figures.tokenRequests} token requests; ` +
      `another address then: ${figures.otherAddressStatus}`,
  );
  console.log(JSON.stringify(figures));
}
