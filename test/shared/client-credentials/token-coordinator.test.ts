// The token coordinator's logic (the Durable Object's core) and the token cache
// using it, in workerd, on a fake clock: one token request per lifetime for isolates
// that share nothing else, the old token served while a renewal runs, and the
// isolate's own fallbacks when the coordinator fails.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ClientCredentialsTokenCache } from "../../../shared/client-credentials/client-credentials-token-cache";
import {
  type CoordinatorAsk,
  coordinatorClient,
  readCoordinatorReply,
  type TokenCoordinatorClient,
} from "../../../shared/client-credentials/coordinator-client";
import { tokenStoreKey } from "../../../shared/client-credentials/sealed-store";
import type { ClientCredentialsTokenCacheOptions } from "../../../shared/client-credentials/token-cache-options";
import { ConfigError, TokenRequestError } from "../../../shared/errors";
import type { KeyValueStore } from "../../../shared/key-value-store";
import { TokenCoordinatorCore } from "../../../shared/token-coordinator/core";
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

describe("a refused token with the coordinator (issue 24, item 2)", () => {
  it("is dropped by the coordinator and never served, held or stored again", async () => {
    const { core, client } = coordinator();
    const kvOfA = memoryStore();
    const a = isolate({ coordinator: client, kv: kvOfA });
    const refused = await a.getToken();
    clock += 10_000; // refused when older than 10 s: sooner, the coordinator would not renew (L2 below)
    await a.reportRefused(refused);
    const fresh = await a.getToken();
    expect(fresh).not.toBe(refused);
    expect(core.requests).toBe(2);
    // A cold isolate asking the coordinator gets the new token, not the refused one.
    expect(await isolate({ coordinator: client }).getToken()).toBe(fresh);
    // A refusal of the new one is a refusal of a fresh token: a back-off, with no request.
    await a.reportRefused(fresh);
    await expect(a.getToken()).rejects.toMatchObject({ code: "FRESH_TOKEN_REFUSED" });
    expect(core.requests).toBe(2);
    expect(endpoint.calls).toBe(2);
  });

  it("is dropped on a report of that exact token only, even without fresherThan", async () => {
    const { core, client } = coordinator();
    const held = await isolate({ coordinator: client }).getToken();
    await expect(core.answer({ key: await storeKey(), refused: "some-other-token" })).resolves.toMatchObject({
      token: { accessToken: held },
    });
    expect(core.requests).toBe(1);
    clock += 10_000;
    const reply = await core.answer({ key: await storeKey(), refused: held });
    expect(reply).toMatchObject({ token: { accessToken: endpoint.issued[1] } });
    await expect(core.answer({ key: await storeKey() })).resolves.toEqual(reply);
    expect(core.requests).toBe(2);
  });
});

const storeKey = () => tokenStoreKey(SETTINGS.tokenEndpoint, SETTINGS.clientId, SETTINGS.scopes, SETTINGS.clientSecret);

describe("the store key in the ask and the reply (issue 24, item 5)", () => {
  it("makes a coordinator refuse another client's ask: that client gets its own token", async () => {
    const { core, client } = coordinator();
    const mine = await isolate({ coordinator: client }).getToken();
    const other = await isolate({ coordinator: client, clientId: "another-client" }).getToken();
    expect(other).not.toBe(mine);
    expect(core.requests).toBe(1);
    expect(endpoint.calls).toBe(2);
    expect(logs.some((line) => line.includes('"token_coordinator_refused_ask"'))).toBe(true);
    expect(logs.some((line) => line.includes('"token_coordinator_failed"'))).toBe(true);
  });

  it("makes an isolate refuse a reply for another key", async () => {
    const token = { accessToken: "abc", obtainedAt: clock, expiresAt: clock + 3600_000 };
    expect(() => readCoordinatorReply({ key: "cc-token/v1/other", token }, { key: "cc-token/v1/mine" }, clock)).toThrow(/another/);
  });
});

describe("a coordinator reply", () => {
  const ask = { key: "cc-token/v1/mine", refused: "refused-token" };
  const token = (extra: object) => ({
    key: ask.key,
    token: { accessToken: "abc", obtainedAt: clock, expiresAt: clock + 3600_000, ...extra },
  });
  const failure = (extra: object) => ({ key: ask.key, failure: { code: "TOKEN_ENDPOINT_UNAVAILABLE", status: 503, ...extra } });

  it.each([
    ["not an object", "nonsense"],
    ["neither token nor failure", { key: ask.key }],
    ["a token with a CR/LF", token({ accessToken: "abc\r\nX-Injected: 1" })],
    ["the refused token", token({ accessToken: "refused-token" })],
    ["an expiresAt of 1e300", token({ expiresAt: 1e300 })],
    ["an expiresAt before obtainedAt", token({ expiresAt: clock - 1 })],
    ["an obtainedAt in the future", token({ obtainedAt: clock + 3600_000, expiresAt: clock + 7200_000 })],
    ["an unknown code", failure({ code: "EVIL" })],
    ["a NaN retryAfterSeconds", failure({ retryAfterSeconds: Number.NaN })],
    ["a negative retryAfterSeconds", failure({ retryAfterSeconds: -1 })],
    ["a status that is not HTTP", failure({ status: 9999 })],
    ["an oauthError with a newline", failure({ oauthError: "a\nb" })],
  ])("is refused when it has %s", (_, reply) => {
    let thrown: unknown;
    try {
      readCoordinatorReply(reply, ask, clock);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(TokenRequestError);
  });

  it("gives a well-formed failure as the TokenRequestError it was", () => {
    expect(() => readCoordinatorReply(failure({ retryAfterSeconds: 30 }), ask, clock)).toThrow(TokenRequestError);
    expect(readCoordinatorReply(token({}), ask, clock)).toEqual(token({}).token);
  });
});

describe("the coordinator's options", () => {
  it.each([
    ["tokenEndpoint", { tokenEndpoint: "http://auth.example.com/oauth2/token" }],
    ["clientSecret", { clientSecret: "" }],
    ["safetyMarginSeconds", { safetyMarginSeconds: 10 }],
    ["retry.maxAttempts", { retry: { maxAttempts: 0 } }],
  ])("refuse a bad %s when created", (option, extra) => {
    let thrown: unknown;
    try {
      new TokenCoordinatorCore(memoryStore(), { ...SETTINGS, ...extra });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).option).toBe(option);
  });
});

describe("a binding holder forcing renewals (issue 29, L2)", () => {
  it("refuses a fresherThan later than now plus the clock skew, with no token request", async () => {
    const { core } = coordinator();
    await core.token();
    await expect(core.answer({ key: await storeKey(), fresherThan: 9e15 })).rejects.toThrow(/fresherThan/);
    await expect(core.answer({ key: await storeKey(), fresherThan: clock + 5 * 60_000 + 1 })).rejects.toThrow(/fresherThan/);
    expect(core.requests).toBe(1);
    expect(logs.filter((line) => line.includes('"token_coordinator_refused_ask"'))).toHaveLength(2);
  });

  it("gets at most one token request per 10 s from 30 asks for a fresher token over 60 s", async () => {
    const { core } = coordinator();
    await core.token();
    for (let ask = 0; ask < 30; ask++) {
      clock += 2_000;
      await expect(core.answer({ key: await storeKey(), fresherThan: clock })).resolves.toHaveProperty("token");
    }
    expect(core.requests).toBeLessThanOrEqual(1 + 6);
    expect(endpoint.calls).toBe(core.requests);
  });

  it("gets at most one token request per 10 s from 30 reports of the token it was just given", async () => {
    const { core } = coordinator();
    let held = (await core.token()).accessToken;
    for (let ask = 0; ask < 30; ask++) {
      clock += 2_000;
      const reply = await core.answer({ key: await storeKey(), refused: held });
      // Within 10 s of the token's request, the report is answered as a fresh token refused, and the token stays served to others.
      if ("failure" in reply) expect(reply.failure).toMatchObject({ code: "FRESH_TOKEN_REFUSED" });
      else held = reply.token.accessToken;
      await expect(core.answer({ key: await storeKey() })).resolves.toMatchObject({ token: { accessToken: held } });
    }
    expect(core.requests).toBeLessThanOrEqual(1 + 6);
  });

  it("still renews at once when it holds no usable token", async () => {
    const { core } = coordinator();
    const first = await core.token();
    clock = first.expiresAt - 59_000; // within the margin: not usable
    const second = await core.token({ fresherThan: first.obtainedAt });
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(core.requests).toBe(2);
  });
});
