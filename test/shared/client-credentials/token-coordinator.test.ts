// The token coordinator's logic (the Durable Object's core) and the token cache
// using it, in workerd, on a fake clock: one token request per lifetime for isolates
// that share nothing else, the old token served while a renewal runs, and the
// isolate's own fallbacks when the coordinator fails.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ClientCredentialsTokenCache,
  type ClientCredentialsTokenCacheOptions,
} from "../../../shared/client-credentials/client-credentials-token-cache";
import { type CoordinatorAsk, coordinatorClient, type TokenCoordinatorClient } from "../../../shared/client-credentials/coordinator-client";
import { TokenCoordinatorCore } from "../../../shared/client-credentials/token-coordinator";
import { TokenRequestError } from "../../../shared/errors";
import type { KeyValueStore } from "../../../shared/key-value-store";
import { background, captureConsole } from "../../workerd/captured-work";
import { FakeTokenEndpoint } from "../../workerd/fake-token-endpoint";

const SETTINGS = {
  tokenEndpoint: "https://auth.example.com/oauth2/token",
  clientId: "mybff",
  clientSecret: "the-client-secret",
  scopes: ["MyService/weather_read"],
};

let endpoint: FakeTokenEndpoint;
let clock: number;
let logs: string[];

/** A store of its own: isolates given different ones share nothing (different locations, KV not yet propagated). */
function memoryStore(): KeyValueStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: async (key) => values.get(key) ?? null,
    put: async (key, value) => void values.set(key, value),
    delete: async (key) => void values.delete(key),
  };
}

/** A coordinator, and the client isolates use, over a stand-in for the Durable Object binding (RPC is a method call). */
function coordinator(options: { clientId?: string } = {}) {
  const core = new TokenCoordinatorCore(memoryStore(), { ...SETTINGS, ...options, fetch: endpoint.fetch, now: () => clock });
  const stub = { token: async (ask: CoordinatorAsk) => structuredClone(await core.answer(structuredClone(ask))) };
  const namespace = { idFromName: (name: string) => name, get: () => stub };
  const client = coordinatorClient(namespace, { now: () => clock });
  return { core, client };
}

function isolate(extra: Partial<ClientCredentialsTokenCacheOptions> = {}) {
  return new ClientCredentialsTokenCache({
    ...SETTINGS,
    kv: memoryStore(),
    fetch: endpoint.fetch,
    retry: { baseDelayMs: 1 },
    now: () => clock,
    ...extra,
  });
}

beforeEach(() => {
  endpoint = new FakeTokenEndpoint();
  clock = Date.now();
  logs = captureConsole();
});
afterEach(() => vi.restoreAllMocks());

describe("the coordinator", () => {
  it("serves the current token while a renewal runs, and shares the renewal", async () => {
    let open!: () => void;
    const renewalMayAnswer = new Promise<void>((resolve) => {
      open = resolve;
    });
    const core: TokenCoordinatorCore = new TokenCoordinatorCore(memoryStore(), {
      ...SETTINGS,
      now: () => clock,
      fetch: async (request) => {
        if (core.requests > 1) await renewalMayAnswer;
        return endpoint.fetch(request);
      },
    });
    const current = await core.token();
    expect(core.requests).toBe(1);
    clock += 50 * 60_000;
    const renewals = [core.token({ fresherThan: current.obtainedAt }), core.token({ fresherThan: current.obtainedAt })];
    // An asker with no token gets the current one at once, while the renewal waits.
    await expect(core.token()).resolves.toEqual(current);
    open();
    const renewed = await Promise.all(renewals);
    expect(renewed[0]).toEqual(renewed[1]);
    expect(renewed[0]!.obtainedAt).toBeGreaterThan(current.obtainedAt);
    expect(core.requests).toBe(2);
    expect(endpoint.calls).toBe(2);
  });

  it("keeps the token encrypted in its storage, and reads it back after a restart", async () => {
    const storage = memoryStore();
    const token = await new TokenCoordinatorCore(storage, { ...SETTINGS, fetch: endpoint.fetch, now: () => clock }).token();
    const stored = [...storage.values.values()].join("\n");
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain(token.accessToken);
    const restarted = new TokenCoordinatorCore(storage, { ...SETTINGS, fetch: endpoint.fetch, now: () => clock });
    await expect(restarted.token()).resolves.toEqual(token);
    expect(restarted.requests).toBe(0);
  });
});

describe("isolates with a coordinator", () => {
  it("make one token request per lifetime over three lifetimes, though they share no KV", async () => {
    // A token is renewed 75 % to 85 % into its usable life (3,540 s of an hour): by
    // 7,900 s the third token is held and no fourth renewal can have started.
    const { core, client } = coordinator();
    const isolates = Array.from({ length: 8 }, () => isolate({ coordinator: client }));
    const work = background();
    const end = clock + 7_900_000;
    for (; clock < end; clock += 30_000) {
      for (const cache of isolates) await cache.getToken({ waitUntil: work.waitUntil });
      await work.settle();
    }
    expect(core.requests).toBe(3);
    expect(endpoint.calls).toBe(3); // without the coordinator: 8 isolates x 3 tokens
  });

  it("ask the endpoint themselves when the coordinator cannot be reached", async () => {
    const down: TokenCoordinatorClient = { token: async () => Promise.reject(new Error("the coordinator is down")) };
    const cache = isolate({ coordinator: down });
    const token = await cache.getToken();
    expect(token).toBe(endpoint.issued[0]);
    expect(endpoint.calls).toBe(1);
    expect(logs.some((line) => line.includes('"event":"token_coordinator_failed"'))).toBe(true);
  });

  it("back off when the coordinator's token request failed, without asking the endpoint", async () => {
    const failing: TokenCoordinatorClient & { asked: number } = {
      asked: 0,
      async token() {
        failing.asked += 1;
        throw new TokenRequestError("TOKEN_ENDPOINT_UNAVAILABLE", "the token coordinator's token request failed", { status: 503 });
      },
    };
    const cache = isolate({ coordinator: failing });
    await expect(cache.getToken()).rejects.toMatchObject({ code: "TOKEN_ENDPOINT_UNAVAILABLE" });
    // The back-off holds: at once, no coordinator call and no token request.
    await expect(cache.getToken()).rejects.toMatchObject({ code: "TOKEN_ENDPOINT_UNAVAILABLE" });
    expect(failing.asked).toBe(1);
    expect(endpoint.calls).toBe(0);
  });
});
