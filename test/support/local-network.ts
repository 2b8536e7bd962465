// The whole system in one Miniflare (real workerd), for Node-side tests that need
// several workers and faults on demand: cognito-local, MyService, N MyBFF isolates
// sharing one KV namespace, a "faults" worker that misbehaves by path (and a token
// endpoint behind a gate that a test opens and closes), and a loopback router that plays the network (port 8789 -> cognito-local, 8787 ->
// MyService, 8790 -> faults, anything else -> connection refused).
import { join } from "node:path";
import type { Readable } from "node:stream";
import { Miniflare, type WorkerOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { COGNITO_LOCAL_DEV_HEADERS, devBffVars, devServiceVars, WORKERS_RUNTIME } from "../../scripts/dev-settings.mjs";
import { myServiceWorker } from "../../scripts/miniflare-workers.mjs";
import { DEV_SECRET } from "./cognito-local";
import { cognitoLocalWorker } from "./cognito-local-worker.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const TOKEN_CACHE_NAMESPACE = "mybff-token-cache-local";

const ROUTER = `
export default {
  async fetch(request, env) {
    const { hostname, port, pathname } = new URL(request.url);
    // The router of MyService isolates whose key-set URL fails (jwksDownFor).
    if (env.JWKS_DOWN && pathname.endsWith("/.well-known/jwks.json")) return new Response("unavailable", { status: 503 });
    const routes = { "8789": env.COGNITO, "8787": env.MY_SERVICE, "8790": env.FAULTS };
    const target = (hostname === "127.0.0.1" || hostname === "localhost") ? routes[port] : undefined;
    if (!target) throw new Error("connection refused: " + hostname + ":" + port);
    return target.fetch(request);
  },
};`;

const FAULTS = `
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const hits = {};
let gateOpen = true;
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const [, target, mode] = url.pathname.split("/");
    if (target === "hits") return Response.json(hits);
    if (target === "gate") {
      gateOpen = url.searchParams.get("open") === "1";
      return Response.json({ gateOpen });
    }
    hits[target + "/" + mode] = (hits[target + "/" + mode] ?? 0) + 1;
    if (target === "gct") return getClientTokenFault(request, env, mode, url);
    // Where the redirects point: anything that arrives here was delivered to the wrong place.
    if (target === "capture") return Response.json({ access_token: "captured", expires_in: 3600, token_type: "Bearer" });
    switch (mode) {
      case "gate":
        // cognito-local's token endpoint while the gate is open; 503 while it is shut.
        if (!gateOpen) return new Response("unavailable", { status: 503 });
        return env.COGNITO.fetch(new Request("http://127.0.0.1:8789/oauth2/token", request));
      case "redirect": return new Response(null, { status: 307, headers: { Location: url.origin + "/capture/" + target } });
      case "unauthorized_client": case "invalid_scope": return Response.json({ error: mode }, { status: 400 });
      case "500": return new Response("internal error: stack trace at Foo.bar (secret.js:1)", { status: 500 });
      case "503": return new Response("unavailable", { status: 503 });
      case "429": return new Response('{"error":"slow_down"}', { status: 429, headers: { "Retry-After": url.searchParams.get("retryAfter") ?? "30" } });
      case "garbage": return new Response("<html>not json</html>", { status: 200, headers: { "Content-Type": "text/html" } });
      case "wrong-shape": return Response.json([{ date: "tomorrow" }]);
      case "invalid_client": return Response.json({ error: "invalid_client" }, { status: 400 });
      case "401": return new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } });
      case "403": return new Response(null, { status: 403, headers: { "WWW-Authenticate": 'Bearer error="insufficient_scope"' } });
      case "slow": await sleep(30000); return new Response("late");
    }
    return new Response("unknown fault", { status: 404 });
  },
};

// GetClientToken (POST /, AWS JSON 1.1) failing as Cognito does, under the token
// endpoint's fault names: errors named by __type, with the statuses cognito-local uses
// (workers/cognito-local/src/api/aws-json-error.ts).
function awsError(type, status, headers = {}) {
  return new Response(JSON.stringify({ __type: type, message: "fault" }), {
    status,
    headers: { "Content-Type": "application/x-amz-json-1.1", ...headers },
  });
}
async function getClientTokenFault(request, env, mode, url) {
  switch (mode) {
    case "gate":
      // cognito-local's GetClientToken while the gate is open; InternalErrorException while it is shut.
      if (!gateOpen) return awsError("InternalErrorException", 500);
      return env.COGNITO.fetch(new Request("http://127.0.0.1:8789/", request));
    case "500": return awsError("InternalErrorException", 500);
    case "503": return new Response("unavailable", { status: 503 });
    // Cognito answers its client errors, throttling included, with 400 (workers/cognito-local/src/api/aws-json-error.ts).
    case "429": return awsError("TooManyRequestsException", 400, { "Retry-After": url.searchParams.get("retryAfter") ?? "30" });
    case "garbage": return new Response("<html>not json</html>", { status: 200, headers: { "Content-Type": "text/html" } });
    case "redirect": return new Response(null, { status: 307, headers: { Location: url.origin + "/capture/gct" } });
    case "invalid_client": return awsError("NotAuthorizedException", 400);
    case "unauthorized_client": return awsError("OperationNotEnabledException", 400);
    case "invalid_scope": return awsError("InvalidParameterException", 400);
    case "forbidden": return awsError("ForbiddenException", 403);
    case "slow": await sleep(30000); return new Response("late");
  }
  return new Response("unknown fault", { status: 404 });
}

// A token coordinator that is down: every call to it fails.
export class BrokenCoordinator {
  async fetch() {
    throw new Error("the coordinator is down");
  }
}`;

// Another Worker bound to MyBFF's token coordinator (issue 29, L2): it sends the
// coordinator whatever ask it is given, as any holder of the binding can, and returns
// the reply, or the error the coordinator threw.
const HOLDER = `
export default {
  async fetch(request, env) {
    const coordinator = env.TOKEN_COORDINATOR.get(env.TOKEN_COORDINATOR.idFromName("token-coordinator"));
    try {
      return Response.json(await coordinator.token(await request.json()));
    } catch (error) {
      return Response.json({ error: String(error?.message ?? error) }, { status: 500 });
    }
  },
};`;

/** A request to cognito-local's /_dev routes carries the header they require (dev-settings.mjs). */
function devInit(path: string, init: RequestInit = {}): RequestInit {
  if (!path.startsWith("/_dev/")) return init;
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(COGNITO_LOCAL_DEV_HEADERS)) headers.set(name, value);
  return { ...init, headers };
}

/** The string vars of a worker's wrangler config. */
function wranglerVars(configPath: string): Record<string, string> {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, configPath));
  return Object.fromEntries(
    Object.entries(workerOptions.bindings ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

export interface LocalNetworkOptions {
  /** How many MyBFF isolates (workers bff-1 .. bff-N), all bound to one KV namespace. */
  bffCount?: number;
  /** MyBFF's token source (scripts/dev-settings.mjs devBffVars): cognito-local's token endpoint (default) or GetClientToken. */
  tokenSource?: "token-endpoint" | "get-client-token";
  /** Settings of every MyBFF, over workers/bff/wrangler.toml's [vars]; `null` removes one. */
  bffVars?: Record<string, string | null>;
  /** Settings of one MyBFF (by its number, from 1), over `bffVars`: isolates of two deployments. */
  bffVarsOf?: Record<number, Record<string, string | null>>;
  /** Give MyBFF the MY_SERVICE service binding (default) or only MY_SERVICE_URL. */
  serviceBinding?: boolean;
  /** Settings of MyService over its defaults (e.g. COGNITO_ALLOWED_CLIENT_IDS without MyBFF). */
  serviceVars?: Record<string, string>;
  /** MyBFF's TOKEN_COORDINATOR binding: MyBFF's own Durable Object (in bff-1), one that always fails, or none. */
  coordinator?: "on" | "broken";
  /** With `coordinator: "on"`, a worker "holder" bound to the same coordinator that is not MyBFF (`askCoordinator`). */
  coordinatorHolder?: boolean;
  /** Keep KV and Durable Object storage in this folder (across networks), instead of in memory. */
  persistTo?: string;
  /** How many MyService isolates (workers myservice, myservice-2 .. myservice-N), sharing the location's cache. */
  serviceCount?: number;
  /** MyService isolates (by number, from 1) whose key-set URL answers 503 from the start. */
  jwksDownFor?: readonly number[];
}

export interface LocalNetwork {
  bff(index?: number): { fetch(path: string, init?: RequestInit): Promise<Response> };
  cognito(path: string, init?: RequestInit): Promise<Response>;
  /** MyService, called directly (as a client other than the BFF would); `index` picks one of `serviceCount` isolates. */
  service(path: string, init?: RequestInit, index?: number): Promise<Response>;
  /** The Cache API of the location, as the workers see it. */
  caches(): ReturnType<Miniflare["getCaches"]>;
  /** The TOKEN_CACHE namespace the MyBFF isolates share. */
  tokenCache(): ReturnType<Miniflare["getKVNamespace"]>;
  faultHits(): Promise<Record<string, number>>;
  /** Sends the coordinator an ask from the "holder" worker; its reply, or `{ error }` when it threw. */
  askCoordinator(ask: { key: string; fresherThan?: number; refused?: string }): Promise<Record<string, unknown>>;
  /** Opens or shuts the faults worker's gated token endpoint (`/token/gate`; open at the start). */
  setGate(open: boolean): Promise<void>;
  tokenRequests(): Promise<number>;
  /** Every line the workers wrote to stdout and stderr so far. */
  logs: string[];
  dispose(): Promise<void>;
}

export async function startLocalNetwork(options: LocalNetworkOptions = {}): Promise<LocalNetwork> {
  const bffCount = options.bffCount ?? 1;
  const bffVars: Record<string, string> = {
    ...wranglerVars("workers/bff/wrangler.toml"),
    ...devBffVars("http://127.0.0.1:8789", "http://127.0.0.1:8787", options.tokenSource),
    AUTH_SERVER_MYBFF_CLIENT_SECRET: DEV_SECRET,
  };
  const withSettings = (vars: Record<string, string>, settings: Record<string, string | null> = {}) => {
    const result = { ...vars };
    for (const [name, value] of Object.entries(settings)) {
      if (value === null) delete result[name];
      else result[name] = value;
    }
    return result;
  };
  const commonBffVars = withSettings(bffVars, options.bffVars);
  const bffWorkers: WorkerOptions[] = Array.from({ length: bffCount }, (_, i) => ({
    name: `bff-${i + 1}`,
    modules: true,
    scriptPath: join(ROOT, ".build/bff/index.js"),
    ...WORKERS_RUNTIME,
    bindings: withSettings(commonBffVars, options.bffVarsOf?.[i + 1]),
    kvNamespaces: { TOKEN_CACHE: TOKEN_CACHE_NAMESPACE },
    serviceBindings: options.serviceBinding === false ? {} : { MY_SERVICE: "myservice" },
    outboundService: "router",
    durableObjects:
      options.coordinator === "on"
        ? { TOKEN_COORDINATOR: { className: "TokenCoordinator", scriptName: "bff-1", useSQLite: true } }
        : options.coordinator === "broken"
          ? { TOKEN_COORDINATOR: { className: "BrokenCoordinator", scriptName: "faults" } }
          : {},
  }));
  const logs: string[] = [];
  const collect = (stream: NodeJS.ReadableStream) => {
    let buffered = "";
    stream.on("data", (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      logs.push(...lines.filter((line) => line.trim() !== ""));
    });
  };
  const persist = options.persistTo
    ? { kvPersist: join(options.persistTo, "kv"), durableObjectsPersist: join(options.persistTo, "do") }
    : {};
  const mf = new Miniflare({
    ...persist,
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
      collect(stdout);
      collect(stderr);
    },
    workers: [
      ...bffWorkers,
      cognitoLocalWorker(),
      ...Array.from({ length: options.serviceCount ?? 1 }, (_, i) => ({
        ...myServiceWorker(
          { ...wranglerVars("wrangler.toml"), ...devServiceVars("http://127.0.0.1:8789"), ...options.serviceVars },
          options.jwksDownFor?.includes(i + 1) ? "router-jwks-down" : "router",
        ),
        name: i === 0 ? "myservice" : `myservice-${i + 1}`,
      })),
      ...(options.coordinatorHolder
        ? [
            {
              name: "holder",
              modules: true,
              script: HOLDER,
              ...WORKERS_RUNTIME,
              durableObjects: { TOKEN_COORDINATOR: { className: "TokenCoordinator", scriptName: "bff-1", useSQLite: true } },
            },
          ]
        : []),
      {
        name: "router-jwks-down",
        modules: true,
        script: ROUTER,
        ...WORKERS_RUNTIME,
        bindings: { JWKS_DOWN: "1" },
        serviceBindings: { COGNITO: "cognito-local", MY_SERVICE: "myservice", FAULTS: "faults" },
      },
      {
        name: "router",
        modules: true,
        script: ROUTER,
        ...WORKERS_RUNTIME,
        serviceBindings: { COGNITO: "cognito-local", MY_SERVICE: "myservice", FAULTS: "faults" },
      },
      {
        name: "faults",
        modules: true,
        script: FAULTS,
        ...WORKERS_RUNTIME,
        serviceBindings: { COGNITO: "cognito-local" },
      },
    ],
  });
  await mf.ready;

  const call = async (worker: string, url: string, init?: RequestInit) => {
    const fetcher = await mf.getWorker(worker);
    return (await fetcher.fetch(url, init as never)) as unknown as Response;
  };
  return {
    bff: (index = 1) => ({ fetch: (path, init) => call(`bff-${index}`, `http://127.0.0.1:8788${path}`, init) }),
    cognito: (path, init) => call("cognito-local", `http://127.0.0.1:8789${path}`, devInit(path, init)),
    service: (path, init, index = 1) => call(index === 1 ? "myservice" : `myservice-${index}`, `http://127.0.0.1:8787${path}`, init),
    caches: () => mf.getCaches(),
    tokenCache: () => mf.getKVNamespace("TOKEN_CACHE", "bff-1"),
    askCoordinator: async (ask) =>
      (await call("holder", "http://holder.internal/", { method: "POST", body: JSON.stringify(ask) })).json() as Promise<
        Record<string, unknown>
      >,
    faultHits: async () => (await call("faults", "http://127.0.0.1:8790/hits")).json() as Promise<Record<string, number>>,
    setGate: async (open) => void (await (await call("faults", `http://127.0.0.1:8790/gate?open=${open ? 1 : 0}`)).text()),
    tokenRequests: async () =>
      (
        (await (await call("cognito-local", "http://127.0.0.1:8789/_dev/stats", devInit("/_dev/stats"))).json()) as {
          tokensIssuedTotal: number;
        }
      ).tokensIssuedTotal,
    logs,
    dispose: () => mf.dispose(),
  };
}
