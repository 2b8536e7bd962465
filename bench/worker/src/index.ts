/**
 * The benchmark worker. Timing happens outside: workerd does not advance its clock
 * during pure computation, so the driver times a request that runs N verifications
 * against one that runs none, from Node.
 *   POST /setup?tokens=N        keys, N distinct tokens, the verifiers (the warm-up and
 *                               the stages use the first 5,000)
 *   POST /warmup?passes=P       every implementation verifies the first 5,000 tokens P
 *                               times, so that what is measured next runs in optimized code
 *   GET  /run?impl=X&mode=repeated|distinct&n=N
 *        (impl=ours&mode=repeated is the middleware's path: the synchronous cache
 *        lookup, with the full verification only on a miss)
 *   GET  /stages                the names of the verification's stages, in order
 *   GET  /stage?name=S&n=N      one stage alone on N distinct tokens (see ./stages.ts)
 *   GET  /economy?isolates=K&requests=N&hours=H
 * @module
 */
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { buildStages } from "./stages";
import { tokenEconomy } from "./token-economy";
import { buildVerifiers, type Implementation, signedBytes, type Verify, type VerifyCached } from "./verifiers";

interface BenchEnv {
  BENCH_KV: KVNamespace;
}

const ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_BenchPool";
const CLIENT_ID = "4benchclient0000000000000a";
// The warm-up and the stages run on this many tokens, walking them round (see
// ./stages.ts); the distinct-token samples take the tokens after them.
const WARMUP_TOKENS = 5_000;

let state: {
  verifiers: Record<Implementation, Verify>;
  cached: VerifyCached;
  repeated: string;
  distinct: string[];
  cursor: Map<string, number>;
  stages: Map<string, (i: number) => unknown>;
} | null = null;

async function setup(count: number): Promise<Response> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = "bench-key-1";
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }] };
  const sign = async (i: number) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      sub: CLIENT_ID,
      token_use: "access",
      scope: "MyService/weather_read",
      auth_time: now,
      iss: ISSUER,
      exp: now + 3600,
      iat: now,
      version: 2,
      jti: `${crypto.randomUUID()}-${i}`,
      client_id: CLIENT_ID,
    })
      .setProtectedHeader({ kid, alg: "RS256" })
      .sign(privateKey);
  };
  const repeated = await sign(-1);
  const distinct: string[] = [];
  for (let i = 0; i < count; i++) distinct.push(await sign(i));
  const decoded = new Map([repeated, ...distinct].map((token) => [token, signedBytes(token)]));
  const { verify: verifiers, cached } = await buildVerifiers({ issuer: ISSUER, clientId: CLIENT_ID, jwks, publicKey }, repeated, decoded);
  const stages = await buildStages({ issuer: ISSUER, clientId: CLIENT_ID, jwks }, distinct.slice(0, WARMUP_TOKENS));
  state = { verifiers, cached, repeated, distinct, cursor: new Map(), stages };
  return Response.json({ tokens: distinct.length, tokenBytes: repeated.length });
}

async function run(url: URL): Promise<Response> {
  if (!state) return new Response("call /setup first", { status: 409 });
  const impl = url.searchParams.get("impl") as Implementation;
  const verify = state.verifiers[impl];
  if (!verify) return new Response("unknown impl", { status: 400 });
  const n = Number(url.searchParams.get("n"));
  const mode = url.searchParams.get("mode");
  if (mode === "repeated" && impl === "ours") {
    // A request's token is a string of its own, whose hash the cache lookup computes
    // anew: slicing one out of a longer string gives a new string each time.
    const { cached, repeated } = state;
    const padded = ` ${repeated}`;
    for (let i = 0; i < n; i++) {
      const token = padded.slice(1);
      if (cached(token) === undefined) await verify(token);
    }
  } else if (mode === "repeated") {
    for (let i = 0; i < n; i++) await verify(state.repeated);
  } else {
    // Tokens the verifier has never seen: each implementation walks the pool with its
    // own cursor, and no token comes back. (A token that came back could be a hit in
    // the verified-token cache, which keeps the last 1,000 tokens verified.)
    const start = state.cursor.get(impl) ?? WARMUP_TOKENS;
    if (start + n > state.distinct.length) {
      return new Response(`set up more tokens: ${impl} has used ${start} of ${state.distinct.length}`, { status: 409 });
    }
    state.cursor.set(impl, start + n);
    for (let i = 0; i < n; i++) await verify(state.distinct[start + i]!);
  }
  return Response.json({ impl, mode, n });
}

/**
 * V8 compiles a hot function twice: quickly (Maglev) within the first thousand calls,
 * then fully optimized (TurboFan) much later; V8's --trace-opt showed this project's
 * verifier's helpers reaching TurboFan only after many thousand verifications, and
 * rounds measured without a warm-up a mix of both, changing from one process to the
 * next. Every implementation is warmed up the same way, on tokens the samples never
 * use: a Worker serving a steady stream of requests runs in optimized code.
 */
async function warmup(passes: number): Promise<Response> {
  if (!state) return new Response("call /setup first", { status: 409 });
  const tokens = state.distinct.slice(0, WARMUP_TOKENS);
  for (const verify of Object.values(state.verifiers)) {
    for (let pass = 0; pass < passes; pass++) for (const token of tokens) await verify(token);
  }
  const { cached, repeated } = state;
  for (let i = 0; i < passes * tokens.length; i++) if (cached(repeated) === undefined) await state.verifiers.ours(repeated);
  return Response.json({ passes, tokens: tokens.length });
}

let sink: unknown;

async function stage(url: URL): Promise<Response> {
  if (!state) return new Response("call /setup first", { status: 409 });
  const name = url.searchParams.get("name") ?? "";
  const run = state.stages.get(name);
  if (!run) return new Response("unknown stage", { status: 400 });
  const n = Number(url.searchParams.get("n"));
  const key = `stage:${name}`;
  let start = state.cursor.get(key) ?? 0;
  if (start + n > Math.min(state.distinct.length, WARMUP_TOKENS)) start = 0;
  state.cursor.set(key, start + n);
  for (let i = 0; i < n; i++) {
    const result = run(start + i);
    // Kept, so that the compiler cannot drop a stage whose result nothing reads.
    sink = result instanceof Promise ? await result : result;
  }
  return Response.json({ stage: name, n, kept: typeof sink });
}

export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/setup") return setup(Number(url.searchParams.get("tokens") ?? 1000));
    if (url.pathname === "/warmup") return warmup(Number(url.searchParams.get("passes")));
    if (url.pathname === "/run") return run(url);
    if (url.pathname === "/stages") return Response.json(state ? [...state.stages.keys()] : []);
    if (url.pathname === "/stage") return stage(url);
    if (url.pathname === "/economy") {
      const q = (name: string) => Number(url.searchParams.get(name));
      return Response.json(await tokenEconomy(env.BENCH_KV, q("isolates"), q("requests"), q("hours")));
    }
    return new Response("not found", { status: 404 });
  },
};
