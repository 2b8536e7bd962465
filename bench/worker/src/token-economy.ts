/**
 * Token economy over a simulated token lifetime: K isolates (K token caches, each
 * with its own memory) serve N requests spread over `hours` of simulated time, and
 * the token requests are counted for three strategies:
 *   - shared: this project's cache, memory then the real KV binding then the endpoint;
 *   - per-isolate: the same cache with KV off (what a process-local cache such as the
 *     reference post's IMemoryCache does on Workers: one per isolate);
 *   - none: a token request per request.
 * @module
 */
import { ClientCredentialsTokenCache } from "edge-cc-auth/client-credentials";

export interface EconomyResult {
  isolates: number;
  requests: number;
  simulatedHours: number;
  tokenLifetimeSeconds: number;
  tokenRequests: { shared: number; perIsolate: number; none: number };
}

export async function tokenEconomy(kv: KVNamespace, isolates: number, requests: number, hours: number): Promise<EconomyResult> {
  const lifetimeSeconds = 3600;
  const run = async (strategy: "shared" | "perIsolate") => {
    let clock = Date.UTC(2026, 0, 1);
    let calls = 0;
    const endpoint = async () => {
      calls++;
      return Response.json({ access_token: `token-${calls}`, expires_in: lifetimeSeconds, token_type: "Bearer" });
    };
    // One endpoint URL per run, so that runs do not share KV entries; the same for every isolate of a run.
    const tokenEndpoint = `https://auth.example.com/oauth2/token?run=${strategy}-${crypto.randomUUID()}`;
    const caches = Array.from(
      { length: isolates },
      () =>
        new ClientCredentialsTokenCache({
          tokenEndpoint,
          clientId: "mybff",
          clientSecret: "secret",
          scopes: ["MyService/weather_read"],
          kv: strategy === "shared" ? kv : null,
          fetch: endpoint,
          now: () => clock,
        }),
    );
    const pending: Promise<unknown>[] = [];
    const step = (hours * 3600_000) / requests;
    const log = console.log;
    console.log = () => {}; // the caches log every hit; the simulation does not need them
    try {
      for (let i = 0; i < requests; i++) {
        await caches[i % isolates]!.getToken({ waitUntil: (p) => void pending.push(p) });
        await Promise.all(pending.splice(0));
        clock += step;
      }
    } finally {
      console.log = log;
    }
    return calls;
  };
  return {
    isolates,
    requests,
    simulatedHours: hours,
    tokenLifetimeSeconds: lifetimeSeconds,
    tokenRequests: { shared: await run("shared"), perIsolate: await run("perIsolate"), none: requests },
  };
}
