/**
 * The token coordinator's logic: one place in the world that requests a client's
 * tokens. The Durable Object around it (`edge-cc-auth/token-coordinator`) is asked by
 * every isolate on a memory or KV miss and at each renewal, so that a client makes
 * at most one token request at a time worldwide, and about one per token lifetime
 * (KV alone cannot: a write takes up to 60 s to reach other locations, and each
 * location renews before it sees another's new token). Apart from the Durable
 * Object's shell (durable-object.ts), so that the KV model in `npm run bench` drives
 * the same code, and compiled against the Web APIs alone.
 *
 * - The token is kept in the object's storage by the cache's own store, sealed exactly
 *   as in KV (client-credentials/sealed-store.ts).
 * - One token request at a time: concurrent askers share it (an awaited fetch lets
 *   other requests into a Durable Object, so the sharing is explicit).
 * - An asker that holds a token asks for one newer than its own (`fresherThan`); the
 *   object renews only when it has none newer, so N isolates renewing cost one request.
 *   An asker with no token gets the held one at once, even while a renewal runs.
 * - An asker that reports a token refused (`refused`) makes the object drop that exact
 *   token, so that no isolate is served it again; a report of any other token changes
 *   nothing.
 * - Forced renewals (a `fresherThan` not older than the held token, or a report of it)
 *   are spaced by 10 s, one from the next, while a usable token is held (the first is
 *   served at once: a key rotation's refusal must not wait):
 *   anyone bound to the namespace can get the token and so report it, and each
 *   renewal is a token request Cognito bills and counts against the pool's quota.
 *   Within the 10 s a `fresherThan` ask is answered with the held token, and a report
 *   with `FRESH_TOKEN_REFUSED` (a token refused that soon is refused for a reason a
 *   new one shares: keys the resource server has not fetched yet, a client it does
 *   not allow), while others go on being served it. 10 s, not the cache's 1 s
 *   back-off base: at most 8,640 forced requests a day, and a real refusal waits no
 *   longer than a resource server's key-set refresh takes.
 * - A `fresherThan` later than now plus 5 minutes of clock skew (the isolates' bound on
 *   a reply's `obtainedAt`) is no ask a cache makes: refused as an error and logged,
 *   rather than ignored, so that the bug or the abuse shows.
 * - An ask for another store key (another endpoint, client or scopes) is refused.
 * - A failed request is answered as a failure (`TokenRequestError`'s fields), not
 *   retried by each asker: the isolate's back-off applies to it as to its own.
 * @module
 */
import type { CoordinatorAsk, CoordinatorReply } from "../client-credentials/coordinator-client.ts";
import type { IssuedToken, TokenEndpointOptions } from "../client-credentials/request-token.ts";
import { SealedStore } from "../client-credentials/sealed-store.ts";
import { checkTokenEndpointOptions, sealingSecret, storeKeyFor } from "../client-credentials/token-cache-options.ts";
import { type RetryOptions, type TokenSource, tokenSource } from "../client-credentials/token-source.ts";
import { ConfigError, TokenRequestError } from "../errors.ts";
import type { KeyValueStore } from "../key-value-store.ts";
import { jsonLineLogger, type Logger } from "../log.ts";
import { numberOption } from "../options.ts";

export interface TokenCoordinatorOptions extends TokenEndpointOptions {
  retry?: RetryOptions;
  /** Never hand out a token this close to its expiry. Default and minimum 60 s, as the cache's. */
  safetyMarginSeconds?: number;
  /** Where events go. Default: JSON lines at `info` and above. */
  logger?: Logger;
  /** Milliseconds since the epoch; for tests and the model. @internal */
  now?: () => number;
}

/** The part of a Durable Object's storage the coordinator uses (`ctx.storage`). */
export interface CoordinatorStorage {
  get(key: string): Promise<unknown>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<boolean>;
}

/** A `KeyValueStore` over Durable Object storage, for the sealed store (no TTL there: the object keeps one key). */
export function storageAsKeyValue(storage: CoordinatorStorage): KeyValueStore {
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

/** A Durable Object's storage answers in milliseconds; past this, it is logged and skipped as KV is. */
const STORAGE_TIMEOUT_MS = 1_000;
/** Forced renewals are at least this far apart (see above). */
const MIN_FORCED_RENEWAL_MS = 10_000;
/** A `fresherThan` beyond now plus this is refused (coordinator-client.ts believes an `obtainedAt` up to 5 minutes ahead). */
const CLOCK_SKEW_MS = 5 * 60_000;

export class TokenCoordinatorCore {
  private readonly source: TokenSource;
  private readonly clientId: string;
  private readonly marginMs: number;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly key: Promise<string>;
  private readonly store: SealedStore;
  private held: IssuedToken | null = null;
  private loaded = false;
  private inflight: Promise<IssuedToken> | null = null;
  /** When the last forced renewal (a refusal report, or a fresherThan with a usable token held) began. */
  private lastForcedAt = Number.NEGATIVE_INFINITY;
  /** Token requests made by this object, for tests and the model. @internal */
  requests = 0;

  /** @throws {ConfigError} for a missing or invalid option */
  constructor(storage: KeyValueStore, options: TokenCoordinatorOptions) {
    checkTokenEndpointOptions(options);
    if (options.logger !== undefined && typeof options.logger !== "function") throw new ConfigError("logger must be a function", "logger");
    this.marginMs = numberOption("safetyMarginSeconds", options.safetyMarginSeconds, 60, { min: 60 }) * 1000;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? jsonLineLogger();
    this.clientId = options.clientId;
    this.source = tokenSource(options, options.retry, { now: this.now, random: Math.random });
    const clientSecret = sealingSecret(options);
    this.key = storeKeyFor(options);
    this.store = new SealedStore({ kv: storage, clientSecret, tokenKey: this.key, timeoutMs: STORAGE_TIMEOUT_MS, logger: this.logger });
  }

  /**
   * The answer to one ask: a token, or the failure of the token request made for it.
   * @throws {Error} when the ask is for another store key
   */
  async answer(ask: CoordinatorAsk): Promise<CoordinatorReply> {
    const key = await this.key;
    if (typeof ask?.key !== "string" || ask.key !== key) {
      this.logger("error", "token_coordinator_refused_ask", {
        client: this.clientId,
        reason: "an isolate asked for another endpoint, client or scopes: give each client its own coordinator name",
      });
      throw new Error("this token coordinator serves another endpoint, client or scopes");
    }
    try {
      return { key, token: await this.token(ask) };
    } catch (error) {
      if (!(error instanceof TokenRequestError)) throw error;
      const { code, status, oauthError, retryAfterSeconds } = error;
      return { key, failure: { code, status, oauthError, retryAfterSeconds } };
    }
  }

  /**
   * A usable token newer than `fresherThan` (any usable one without it), never the
   * one reported refused; requests one when there is none, shared by every concurrent asker.
   * @throws {TokenRequestError} when the token endpoint fails
   */
  async token(ask: Omit<CoordinatorAsk, "key"> = {}): Promise<IssuedToken> {
    const fresherThan = typeof ask.fresherThan === "number" && Number.isFinite(ask.fresherThan) ? ask.fresherThan : undefined;
    if (fresherThan !== undefined && fresherThan > this.now() + CLOCK_SKEW_MS) {
      this.logger("error", "token_coordinator_refused_ask", {
        client: this.clientId,
        reason: "fresherThan is later than now plus the clock skew: no cache asks that",
      });
      throw new Error("the token coordinator refused an ask: fresherThan is in the future");
    }
    if (!this.loaded) {
      this.held ??= (await this.store.read(this.now(), 0)).token;
      this.loaded = true;
    }
    const now = this.now();
    const usableHeld = this.held !== null && now < this.held.expiresAt - this.marginMs ? this.held : null;
    const tooSoon = usableHeld !== null && now < this.lastForcedAt + MIN_FORCED_RENEWAL_MS;
    if (ask.refused !== undefined && this.held?.accessToken === ask.refused) {
      if (tooSoon) {
        this.logger("warn", "token_coordinator_refusal_too_soon", { client: this.clientId, action: "keep_token" });
        const retryAfterSeconds = Math.ceil((this.lastForcedAt + MIN_FORCED_RENEWAL_MS - now) / 1000);
        throw new TokenRequestError("FRESH_TOKEN_REFUSED", "a token refused within 10 s of the last forced renewal: not renewed yet", {
          retryAfterSeconds,
        });
      }
      if (usableHeld !== null) this.lastForcedAt = now;
      this.held = null;
      this.logger("info", "token_coordinator_dropped_refused", { client: this.clientId });
      await this.store.deleteToken();
    }
    const held = this.held;
    const usable = held !== null && held === usableHeld;
    // An asker with no token is served the held one at once, even while a renewal runs.
    // A renewal already running is joined, whatever the spacing.
    if (usable && (fresherThan === undefined || held.obtainedAt > fresherThan || (tooSoon && this.inflight === null))) return held;
    if (usable && this.inflight === null) this.lastForcedAt = now;
    let renewal = this.inflight;
    renewal ??= this.inflight = this.request().finally(() => {
      this.inflight = null;
    });
    const token = await renewal;
    // A renewal that started before the refusal may bring back the refused token: ask once more.
    return token.accessToken === ask.refused ? this.token({ fresherThan: token.obtainedAt }) : token;
  }

  private async request(): Promise<IssuedToken> {
    this.requests += 1;
    const token = await this.source.request();
    this.held = token;
    await this.store.writeToken(token, this.now());
    this.logger("info", "token_coordinator_requested", {
      client: this.clientId,
      source: this.source.kind,
      expiresAt: new Date(token.expiresAt).toISOString(),
    });
    return token;
  }
}
