/**
 * The ablation worker: several builds of the library's Cognito verifier in one isolate
 * (the code as it lands, and the code of an earlier commit with one optimisation
 * switched off at a time; see ../ablation.mjs), each verifying tokens it has never
 * seen, interleaved with the floor (one bare `crypto.subtle.verify`). Timing happens
 * outside, as in ../worker/src/index.ts: workerd does not advance its clock during pure
 * computation, so the driver times a request that runs N verifications against one
 * that runs none.
 *   POST /setup?tokens=N   keys, N distinct tokens, one verifier per build
 *   POST /warmup?passes=P  each build verifies the first 5,000 tokens P times
 *   GET  /run?variant=I&n=N  build I (or `floor`) verifies its next N new tokens
 * @module
 */
import { exportJWK, generateKeyPair, SignJWT } from "jose";

interface Verifier {
  verify(token: string): Promise<unknown>;
}

export interface Build {
  label: string;
  Verifier: new (options: { issuer: string; clientIds: string[]; jwks: { fetch: (request: Request) => Promise<Response> } }) => Verifier;
}

const ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_BenchPool";
const CLIENT_ID = "4benchclient0000000000000a";
const KID = "bench-key-1";
export const WARMUP_TOKENS = 5_000;

const b64 = (segment: string) => Uint8Array.from(atob(segment.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

/**
 * Replaces every imported CryptoKey a verifier holds (in any Map, a few levels down its
 * private fields) with `key`. Two imports of one key can verify at measurably different
 * speeds in one process (where their structures land in memory), which would be the
 * builds' luck, not their work: every build and the floor verify with the same key.
 */
function shareKey(holder: unknown, key: CryptoKey, depth = 0): number {
  if (depth > 4 || typeof holder !== "object" || holder === null) return 0;
  let replaced = 0;
  if (holder instanceof Map) {
    for (const [name, value] of holder) {
      if (value instanceof CryptoKey) {
        holder.set(name, key);
        replaced++;
      } else {
        replaced += shareKey(value, key, depth + 1);
      }
    }
    return replaced;
  }
  for (const value of Object.values(holder)) replaced += shareKey(value, key, depth + 1);
  return replaced;
}

let state: {
  verifiers: Verifier[];
  tokens: string[];
  floor: (token: string) => Promise<void>;
  cursor: Map<string, number>;
} | null = null;

async function setup(builds: readonly Build[], count: number): Promise<Response> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: KID, alg: "RS256", use: "sig" }] };
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    tokens.push(
      await new SignJWT({
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
        .setProtectedHeader({ kid: KID, alg: "RS256" })
        .sign(privateKey),
    );
  }
  const verifiers = builds.map(
    (build) => new build.Verifier({ issuer: ISSUER, clientIds: [CLIENT_ID], jwks: { fetch: async () => Response.json(jwks) } }),
  );
  const key = await crypto.subtle.importKey("jwk", jwks.keys[0]!, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
  const shared: number[] = [];
  for (const verifier of verifiers) {
    // A token outside the pool: the verifier fetches its key set and imports the key.
    await verifier.verify(tokens.pop()!);
    shared.push(shareKey(verifier, key));
  }
  const decoded = new Map(
    tokens.map((token) => {
      const dot = token.lastIndexOf(".");
      return [token, { data: new TextEncoder().encode(token.slice(0, dot)), signature: b64(token.slice(dot + 1)) }];
    }),
  );
  const floor = async (token: string) => {
    const { data, signature } = decoded.get(token)!;
    if (!(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, data))) throw new Error("bad signature");
  };
  state = { verifiers, tokens, floor, cursor: new Map() };
  return Response.json({ tokens: tokens.length, keysShared: shared });
}

function verifierOf(variant: string): ((token: string) => Promise<unknown>) | undefined {
  if (!state) return undefined;
  if (variant === "floor") return state.floor;
  const verifier = state.verifiers[Number(variant)];
  return verifier && ((token) => verifier.verify(token));
}

async function warmup(passes: number): Promise<Response> {
  if (!state) return new Response("call /setup first", { status: 409 });
  const tokens = state.tokens.slice(0, WARMUP_TOKENS);
  for (const variant of ["floor", ...state.verifiers.keys()]) {
    const verify = verifierOf(String(variant))!;
    for (let pass = 0; pass < passes; pass++) for (const token of tokens) await verify(token);
  }
  return Response.json({ passes });
}

async function run(url: URL): Promise<Response> {
  const variant = url.searchParams.get("variant") ?? "";
  const verify = verifierOf(variant);
  if (!state || !verify) return new Response("call /setup first, with a known variant", { status: 409 });
  const n = Number(url.searchParams.get("n"));
  // Tokens this build has never seen: each walks the pool with its own cursor.
  const start = state.cursor.get(variant) ?? WARMUP_TOKENS;
  if (start + n > state.tokens.length) return new Response("set up more tokens", { status: 409 });
  state.cursor.set(variant, start + n);
  for (let i = 0; i < n; i++) await verify(state.tokens[start + i]!);
  return Response.json({ variant, n });
}

export function ablationWorker(builds: readonly Build[]) {
  return {
    async fetch(request: Request): Promise<Response> {
      const url = new URL(request.url);
      if (url.pathname === "/setup") return setup(builds, Number(url.searchParams.get("tokens")));
      if (url.pathname === "/warmup") return warmup(Number(url.searchParams.get("passes")));
      if (url.pathname === "/run") return run(url);
      if (url.pathname === "/builds") return Response.json(builds.map((b) => b.label));
      return new Response("not found", { status: 404 });
    },
  };
}
