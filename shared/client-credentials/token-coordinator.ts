/**
 * One place in the world that requests client-credentials tokens: a Durable Object
 * that every isolate of a Worker asks on a memory or KV miss and at each renewal, so
 * that a client makes at most one token request at a time worldwide, and about one
 * per token lifetime (KV alone cannot: a write takes up to 60 s to reach other
 * locations, and each location renews before it sees another's new token).
 *
 * - The token is kept in the object's storage encrypted exactly as in KV
 *   (encrypted-token-store.ts: AES-256-GCM under a key derived from the client secret).
 * - One token request at a time: concurrent askers share it (an awaited fetch lets
 *   other requests into a Durable Object, so the sharing is explicit).
 * - An asker that holds a token asks for one newer than its own (`fresherThan`); the
 *   object renews only when it has none newer, so N isolates renewing cost one request.
 *   An asker with no token gets the held one at once, even while a renewal runs.
 * - A failed request is answered as a failure (`TokenRequestError`'s fields), not
 *   retried by each asker: the isolate's back-off applies to it as to its own.
 *
 * The class is written in the plain Durable Object style (constructor(state, env)
 * and fetch) against minimal structural types, because the library compiles against
 * standard Web APIs only and `cloudflare:workers` is not one. The Worker creates the
 * class with {@link tokenCoordinator} and exports it under the name its wrangler
 * config gives (`class_name`).
 * @module
 */
import { TokenRequestError } from "../errors.ts";
import type { KeyValueStore } from "../key-value-store.ts";
import { logEvent } from "../log.ts";
import { EncryptedTokenStore, tokenStoreKey } from "./encrypted-token-store.ts";
import type { IssuedToken, TokenEndpointOptions } from "./request-token.ts";
import { type RetryOptions, requestTokenWithRetries } from "./request-token-with-retries.ts";

/** The part of a Durable Object's storage the coordinator uses (`ctx.storage`). */
export interface CoordinatorStorage {
  get(key: string): Promise<unknown>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<boolean>;
}

/** The part of `DurableObjectState` the coordinator uses. */
export interface CoordinatorState {
  storage: CoordinatorStorage;
}

export interface TokenCoordinatorOptions extends TokenEndpointOptions {
  retry?: RetryOptions;
  /** Never hand out a token this close to its expiry. Default 60 s, as the cache's. */
  safetyMarginSeconds?: number;
  /** Milliseconds since the epoch; for tests and the model. */
  now?: () => number;
}

/** What an asker sends: the `obtainedAt` of the token it holds, when it wants a newer one. */
export interface CoordinatorAsk {
  fresherThan?: number;
}

/** What the coordinator answers with status 502: the failed request, as `TokenRequestError` has it. */
export interface CoordinatorFailure {
  code: TokenRequestError["code"];
  status?: number;
  oauthError?: string;
  retryAfterSeconds?: number;
}

export const COORDINATOR_URL = "https://token-coordinator.internal/token";

/** A `KeyValueStore` over Durable Object storage, for the encrypted store (no TTL there: the object keeps one key). */
function storageAsKeyValue(storage: CoordinatorStorage): KeyValueStore {
  return {
    get: async (key) => {
      const value = await storage.get(key);
      return typeof value === "string" ? value : null;
    },
    put: (key, value) => storage.put(key, value),
    delete: async (key) => {
      await storage.delete(key);
    },
  };
}

/**
 * The coordinator's logic, apart from the Durable Object shape, so that the KV model
 * in `npm run bench` drives the same code.
 */
export class TokenCoordinatorCore {
  private readonly options: TokenCoordinatorOptions;
  private readonly marginMs: number;
  private readonly now: () => number;
  private readonly store: Promise<EncryptedTokenStore>;
  private held: IssuedToken | null = null;
  private loaded = false;
  private inflight: Promise<IssuedToken> | null = null;
  /** Token requests made by this object, for tests and the model. */
  requests = 0;

  constructor(storage: KeyValueStore, options: TokenCoordinatorOptions) {
    this.options = options;
    this.marginMs = (options.safetyMarginSeconds ?? 60) * 1000;
    this.now = options.now ?? Date.now;
    this.store = tokenStoreKey(options.tokenEndpoint, options.clientId, options.scopes).then(
      (key) => new EncryptedTokenStore(storage, key, options.clientSecret),
    );
  }

  /**
   * A usable token newer than `fresherThan` (any usable one without it); requests one
   * when there is none, shared by every concurrent asker.
   * @throws {TokenRequestError} when the token endpoint fails
   */
  async token(ask: CoordinatorAsk = {}): Promise<IssuedToken> {
    if (!this.loaded) {
      this.held ??= await (await this.store).read();
      this.loaded = true;
    }
    const held = this.held;
    const now = this.now();
    const usable = held !== null && now < held.expiresAt - this.marginMs;
    // An asker with no token is served the held one at once, even while a renewal runs.
    if (usable && (ask.fresherThan === undefined || held.obtainedAt > ask.fresherThan)) return held;
    this.inflight ??= this.request().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async request(): Promise<IssuedToken> {
    this.requests += 1;
    const token = await requestTokenWithRetries(this.options, this.options.retry, { now: this.now, random: Math.random });
    this.held = token;
    await (await this.store).write(token, this.now());
    logEvent("info", "token_coordinator_requested", { client: this.options.clientId, expiresAt: new Date(token.expiresAt).toISOString() });
    return token;
  }
}

/** The Durable Object class's shape, as the runtime constructs it. */
export type TokenCoordinatorClass<Env> = new (
  state: CoordinatorState,
  env: Env,
) => {
  fetch(request: Request): Promise<Response>;
};

/**
 * Makes the Durable Object class; export it from the Worker's main module under the
 * `class_name` of its `[[durable_objects.bindings]]` entry.
 * @param optionsFor the token request's settings from the Worker's env (the same
 *   endpoint, client, secret and scopes as the cache's)
 * @example
 * export const TokenCoordinator = tokenCoordinator((env: Env) => ({
 *   tokenEndpoint: env.AUTH_SERVER_TOKEN_ENDPOINT_URL, clientId: env.AUTH_SERVER_MYBFF_CLIENT_ID,
 *   clientSecret: env.AUTH_SERVER_MYBFF_CLIENT_SECRET, scopes: ["MyService/weather_read"],
 * }));
 */
export function tokenCoordinator<Env>(optionsFor: (env: Env) => TokenCoordinatorOptions): TokenCoordinatorClass<Env> {
  return class TokenCoordinator {
    private readonly core: TokenCoordinatorCore;

    constructor(state: CoordinatorState, env: Env) {
      this.core = new TokenCoordinatorCore(storageAsKeyValue(state.storage), optionsFor(env));
    }

    async fetch(request: Request): Promise<Response> {
      if (request.method !== "POST") return new Response(null, { status: 405, headers: { Allow: "POST" } });
      let ask: CoordinatorAsk;
      try {
        const body = (await request.json()) as { fresherThan?: unknown };
        ask = typeof body.fresherThan === "number" && Number.isFinite(body.fresherThan) ? { fresherThan: body.fresherThan } : {};
      } catch {
        return Response.json({ error: "the body is not JSON" }, { status: 400 });
      }
      try {
        return Response.json(await this.core.token(ask));
      } catch (error) {
        if (!(error instanceof TokenRequestError)) throw error;
        const failure: CoordinatorFailure = {
          code: error.code,
          status: error.status,
          oauthError: error.oauthError,
          retryAfterSeconds: error.retryAfterSeconds,
        };
        return Response.json(failure, { status: 502 });
      }
    }
  };
}
