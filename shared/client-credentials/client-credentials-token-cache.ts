/**
 * A client-credentials access token shared by every isolate of a Worker, in three
 * tiers: isolate memory, then Workers KV (encrypted), then the token endpoint.
 *
 * - Concurrent requests of an isolate share one lookup: a cold isolate hit by 200
 *   requests makes one KV read and at most one token request.
 * - A token is never handed out within `safetyMarginSeconds` (at least 60) of its
 *   expiry, which also covers KV's up-to-60 s propagation between locations.
 * - Past a random point between 75 % and 85 % of its usable lifetime (the lifetime
 *   less the safety margin; AWS's advice is to renew at about 75 %; the jitter keeps
 *   isolates from renewing together), one request renews it in the background with
 *   `waitUntil` while requests go on with the current token. The renewal first looks
 *   in KV, where another isolate may already have put a newer token.
 * - KV failures and slowness (over `kvTimeoutMs`) are logged and fall back to
 *   memory and the token endpoint: they never fail a request.
 * - A failure is remembered (token-backoff.ts): after a failed token request, no new
 *   one until a back-off of about 1 s, doubling up to about 60 s, with jitter, ends;
 *   meanwhile `getToken` rejects at once with the remembered failure and the seconds
 *   left. The back-off is shared through KV, so other isolates wait too. Only the
 *   first failure is retried within the call (`retry`): once a failure is remembered,
 *   each back-off step costs the endpoint one request per isolate.
 * - A fresh token that the resource server refuses (`reportRefused`) starts a back-off
 *   too: new tokens would be refused as well, so none is requested until it ends.
 * - Where isolates run in many locations, KV's lag (a write reaches other locations
 *   only after up to 60 s) makes each location renew on its own. Two ways out:
 *   `getToken({ location })` (the request's `cf.colo`) renews at a point drawn from
 *   the location and the token, spread over 50 % to 95 % of the usable lifetime, so
 *   locations renew one after another and most find a newer token in KV first; and
 *   `coordinator` (token-coordinator.ts), a Durable Object asked on a memory or KV miss
 *   and at each renewal, which makes one token request at a time worldwide. A
 *   coordinator that fails or is slow is logged and skipped: the isolate asks the
 *   endpoint itself, within the back-off.
 * @module
 */
import { ConfigError, type EdgeAuthError, TokenRequestError } from "../errors.ts";
import type { KeyValueStore } from "../key-value-store.ts";
import { logEvent } from "../log.ts";
import { numberOption } from "../options.ts";
import type { TokenCoordinatorClient } from "./coordinator-client.ts";
import { EncryptedTokenStore, tokenStoreKey } from "./encrypted-token-store.ts";
import { type IssuedToken, TOKEN_REQUEST_TIMEOUT_MS, type TokenEndpointOptions } from "./request-token.ts";
import { checkRetryOptions, type RetryOptions, requestTokenWithRetries } from "./request-token-with-retries.ts";
import {
  type BackOffRecord,
  BackOffStore,
  backOffDelayMs,
  backOffStoreKey,
  isConfigurationRejection,
  rememberedFailure,
  TOKEN_BACKOFF_BASE_MS,
  TOKEN_BACKOFF_MAX_MS,
} from "./token-backoff.ts";

export interface ClientCredentialsTokenCacheOptions extends TokenEndpointOptions {
  /** The shared store, or `null` to keep tokens in isolate memory only (said explicitly). */
  kv: KeyValueStore | null;
  /** Never hand out a token this close to its expiry. Default and minimum 60. */
  safetyMarginSeconds?: number;
  /** Give up on a KV read or write after this long. Default 1 s. */
  kvTimeoutMs?: number;
  /** Retries within one call; used only while no failure is remembered. */
  retry?: RetryOptions;
  backOff?: BackOffOptions;
  /** The token coordinator (a Durable Object, coordinator-client.ts), or null/absent: KV alone. */
  coordinator?: TokenCoordinatorClient | null;
  /** Milliseconds since the epoch; for tests. */
  now?: () => number;
  random?: () => number;
}

/** How long no token is requested after a failure. */
export interface BackOffOptions {
  /** The shortest back-off (after the first failure: 1 to 2 times this). Default 1,000 ms. */
  baseDelayMs?: number;
  /** The longest back-off, and so the longest wait after the endpoint recovers. Default 60,000 ms. */
  maxDelayMs?: number;
}

export interface GetTokenOptions {
  /** `ctx.waitUntil`, for the background renewal. Without it the renewal is skipped. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /**
   * Where this isolate runs (`request.cf.colo` on Workers). With it, the renewal point
   * is drawn from the location and the token instead of at random, so that locations
   * renew one after another rather than together.
   */
  location?: string;
}

export const MIN_SAFETY_MARGIN_SECONDS = 60;
export const KV_TIMEOUT_MS = 1_000;
const RENEW_AFTER_FRACTION = 0.75;
const RENEW_JITTER_FRACTION = 0.1;
/** With a location: its slot within 50 % to 95 % of the usable lifetime... */
const SLOT_FROM_FRACTION = 0.5;
const SLOT_SPAN_FRACTION = 0.45;
/** ...and each isolate up to 30 s after it, so that one isolate of a location renews and the others find its token in KV. */
const SLOT_ISOLATE_JITTER_MS = 30_000;

/** A number in [0, 1) from a string (FNV-1a, 32 bits): the same everywhere for the same text. */
function spread(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}

interface HeldToken extends IssuedToken {
  /** When this isolate starts a background renewal. */
  renewAt: number;
}

/** Consecutive refusals of fresh tokens. It ends after twice the cap with none. */
interface RefusalEpisode {
  /** Tokens obtained after this are fresh: a refusal of one means new ones are refused too. */
  since: number;
  last: number;
  step: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

export class ClientCredentialsTokenCache {
  private readonly options: ClientCredentialsTokenCacheOptions;
  private readonly marginMs: number;
  private readonly kvTimeoutMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly store: Promise<EncryptedTokenStore> | null;
  private readonly backOffStore: Promise<BackOffStore> | null;
  private readonly backOffBaseMs: number;
  private readonly backOffMaxMs: number;
  private held: HeldToken | null = null;
  private lookup: Promise<HeldToken> | null = null;
  private renewal: Promise<void> | null = null;
  /** The latest back-off; in force while `until` is ahead. */
  private backOff: BackOffRecord | null = null;
  /** Consecutive failed token requests (ours, or another isolate's seen in KV). */
  private endpointFailures = 0;
  private refusal: RefusalEpisode | null = null;
  /** The token last forgotten, so that 50 requests refused together cost one KV delete. */
  private forgotten: string | null = null;
  /** Where this isolate runs, once a request said so. */
  private location: string | undefined;

  /**
   * @throws {ConfigError} for a missing or invalid option
   * @example
   * const tokens = new ClientCredentialsTokenCache({
   *   tokenEndpoint: env.AUTH_SERVER_TOKEN_ENDPOINT_URL, clientId: env.AUTH_SERVER_MYBFF_CLIENT_ID,
   *   clientSecret: env.AUTH_SERVER_MYBFF_CLIENT_SECRET, scopes: ["MyService/weather_read"],
   *   kv: env.TOKEN_CACHE,
   * });
   * const token = await tokens.getToken({ waitUntil: (p) => ctx.waitUntil(p) });
   */
  constructor(options: ClientCredentialsTokenCacheOptions) {
    for (const name of ["tokenEndpoint", "clientId", "clientSecret"] as const) {
      if (typeof options[name] !== "string" || options[name] === "") throw new ConfigError(`${name} is required`, name);
    }
    try {
      new URL(options.tokenEndpoint);
    } catch {
      throw new ConfigError("tokenEndpoint is not a URL", "tokenEndpoint");
    }
    if (options.kv === undefined) {
      throw new ConfigError("kv is required (null keeps tokens in isolate memory only)", "kv");
    }
    const marginSeconds = numberOption("safetyMarginSeconds", options.safetyMarginSeconds, MIN_SAFETY_MARGIN_SECONDS, {
      min: MIN_SAFETY_MARGIN_SECONDS,
    });
    numberOption("timeoutMs", options.timeoutMs, TOKEN_REQUEST_TIMEOUT_MS, { min: 1 });
    checkRetryOptions(options.retry ?? {});
    this.backOffBaseMs = numberOption("backOff.baseDelayMs", options.backOff?.baseDelayMs, TOKEN_BACKOFF_BASE_MS, { min: 1 });
    this.backOffMaxMs = numberOption("backOff.maxDelayMs", options.backOff?.maxDelayMs, TOKEN_BACKOFF_MAX_MS, {
      min: this.backOffBaseMs,
      max: 3_600_000,
    });
    this.options = options;
    this.marginMs = marginSeconds * 1000;
    this.kvTimeoutMs = numberOption("kvTimeoutMs", options.kvTimeoutMs, KV_TIMEOUT_MS, { min: 1 });
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    const kv = options.kv;
    const key = kv ? tokenStoreKey(options.tokenEndpoint, options.clientId, options.scopes) : null;
    this.store = kv && key ? key.then((k) => new EncryptedTokenStore(kv, k, options.clientSecret)) : null;
    this.backOffStore = kv && key ? key.then((k) => new BackOffStore(kv, backOffStoreKey(k))) : null;
  }

  /**
   * A token with at least the safety margin left.
   * @throws {TokenRequestError} when none is held and the endpoint gives none, or at
   *   once, with `retryAfterSeconds` = the seconds left, while a back-off lasts
   */
  async getToken(options: GetTokenOptions = {}): Promise<string> {
    if (options.location !== undefined && this.location === undefined) this.location = options.location;
    const now = this.now();
    const held = this.held;
    const backOff = this.backOff && now < this.backOff.until ? this.backOff : null;
    if (held && this.usable(held, now)) {
      if (now >= held.renewAt && !this.renewal && options.waitUntil && !backOff) {
        this.renewal = this.renew(held).finally(() => (this.renewal = null));
        options.waitUntil(this.renewal);
      }
      logEvent("debug", "token_cache_hit", { tier: "memory", client: this.options.clientId });
      return held.accessToken;
    }
    if (backOff) {
      logEvent("debug", "token_backoff_active", { client: this.options.clientId, code: backOff.code, leftMs: backOff.until - now });
      throw rememberedFailure(backOff, now);
    }
    this.lookup ??= this.obtain().finally(() => (this.lookup = null));
    return (await this.lookup).accessToken;
  }

  /**
   * Forgets a token the resource server refused (a 401): from memory, and from KV
   * if KV still holds that same token. The next `getToken` gets a new one.
   */
  async invalidate(accessToken: string): Promise<void> {
    if (this.held?.accessToken === accessToken) this.held = null;
    if (this.forgotten === accessToken) return;
    this.forgotten = accessToken;
    const stored = (await this.kvCall((store) => store.read(), "KV read")) ?? null;
    if (stored?.accessToken === accessToken) {
      await this.kvCall((store) => store.delete(), "KV delete");
    }
  }

  /**
   * The resource server refused this token (a 401). It is forgotten (as `invalidate`
   * does), so the next `getToken` gets a new one: after a key rotation that is the fix.
   * But when the refused token was itself obtained after an earlier refusal, new
   * tokens are refused too (a client id the resource server does not allow, keys it
   * has not fetched yet): the cache then backs off, shared through KV, and `getToken`
   * rejects at once with `FRESH_TOKEN_REFUSED` until the back-off ends, with no token
   * request. Logged as an error once per back-off, not once per request.
   * @example
   * let result = await callApi(token);
   * if (result.status === 401) {
   *   await tokens.reportRefused(token);
   *   token = await tokens.getToken(); // rejects during a back-off
   *   result = await callApi(token);
   *   if (result.status === 401) await tokens.reportRefused(token);
   * }
   */
  async reportRefused(accessToken: string): Promise<void> {
    const now = this.now();
    const held = this.held?.accessToken === accessToken ? this.held : null;
    const episode = this.refusal && now - this.refusal.last <= 2 * this.backOffMaxMs ? this.refusal : null;
    let record: BackOffRecord | null = null;
    if (!episode) {
      this.refusal = { since: now, last: now, step: 0 };
    } else {
      episode.last = now;
      // Only a token obtained within the episode says that new tokens are refused: a
      // request still holding an older one just learns what another request learnt.
      if (held && held.obtainedAt >= episode.since) {
        episode.step += 1;
        const delayMs = backOffDelayMs(episode.step, this.backOffBaseMs, this.backOffMaxMs, this.random);
        record = { kind: "refused", code: "FRESH_TOKEN_REFUSED", step: episode.step, until: now + delayMs, status: 401 };
        // Set before any await, so that no concurrent request slips a token request in.
        this.backOff = record;
        logEvent("error", "fresh_token_refused", {
          client: this.options.clientId,
          reason: "the resource server refused a token just issued (a client id it does not allow, or keys it has not fetched yet)",
          step: record.step,
          backOffMs: delayMs,
        });
      }
    }
    await this.invalidate(accessToken);
    if (record) await this.kvCall(async () => (await this.backOffStore!).write(record, now), "KV write");
  }

  private usable(token: IssuedToken, now: number): boolean {
    return now < token.expiresAt - this.marginMs;
  }

  private hold(token: IssuedToken): HeldToken {
    // Fractions of the usable lifetime (up to the safety margin), so that even a
    // 5-minute token leaves a renewal window of about a minute before it is unusable.
    const usableLifetime = token.expiresAt - this.marginMs - token.obtainedAt;
    let renewAt: number;
    if (this.location === undefined) {
      renewAt = token.obtainedAt + usableLifetime * (RENEW_AFTER_FRACTION + this.random() * RENEW_JITTER_FRACTION);
    } else {
      const slot = SLOT_FROM_FRACTION + SLOT_SPAN_FRACTION * spread(`${this.location}|${token.obtainedAt}`);
      const latest = token.obtainedAt + usableLifetime * (SLOT_FROM_FRACTION + SLOT_SPAN_FRACTION);
      renewAt = Math.min(latest, token.obtainedAt + usableLifetime * slot + this.random() * SLOT_ISOLATE_JITTER_MS);
    }
    this.held = { ...token, renewAt };
    return this.held;
  }

  private async obtain(): Promise<HeldToken> {
    const [stored, record] = await Promise.all([this.kvRead(), this.backOffRead()]);
    const now = this.now();
    // A usable token wins over any back-off record: a record left behind never delays it.
    if (stored && this.usable(stored, now)) {
      logEvent("info", "token_cache_hit", {
        tier: "kv",
        client: this.options.clientId,
        expiresAt: new Date(stored.expiresAt).toISOString(),
      });
      return this.hold(stored);
    }
    if (this.adopt(record, now)) throw rememberedFailure(record!, now);
    logEvent("info", "token_cache_miss", { client: this.options.clientId });
    const coordinated = await this.fromCoordinator({});
    if (coordinated) return this.hold(coordinated);
    return this.hold(await this.fetchAndShare(record));
  }

  /**
   * A token from the coordinator, shared through KV with this location; null when
   * there is no coordinator or it could not be asked (then the caller asks the
   * endpoint). A token request that failed at the coordinator is remembered as ours.
   */
  private async fromCoordinator(ask: { fresherThan?: number }): Promise<IssuedToken | null> {
    const coordinator = this.options.coordinator;
    if (!coordinator) return null;
    const started = this.now();
    let token: IssuedToken;
    try {
      token = await coordinator.token(ask);
    } catch (error) {
      if (error instanceof TokenRequestError) throw await this.rememberFailure(error, started);
      logEvent("warn", "token_coordinator_failed", {
        client: this.options.clientId,
        reason: error instanceof Error ? error.message : String(error),
        action: "ask_token_endpoint",
      });
      return null;
    }
    if (!this.usable(token, this.now())) return null;
    await this.kvCall((store) => store.write(token, this.now()), "KV write");
    return token;
  }

  /**
   * Takes in another isolate's back-off record: its step, so that our next failure
   * continues the sequence, and, while it lasts, the back-off itself.
   * @returns true when the back-off is in force
   */
  private adopt(record: BackOffRecord | null, now: number): boolean {
    if (!record) return false;
    if (record.kind === "token_endpoint") this.endpointFailures = Math.max(this.endpointFailures, record.step);
    else if (this.refusal) this.refusal.step = Math.max(this.refusal.step, record.step);
    else this.refusal = { since: now, last: now, step: record.step };
    if (now >= record.until) return false;
    if (!this.backOff || this.backOff.until < record.until) {
      this.backOff = record;
      logEvent("info", "token_backoff_shared", {
        client: this.options.clientId,
        code: record.code,
        step: record.step,
        leftMs: record.until - now,
      });
    }
    return true;
  }

  private async renew(current: HeldToken): Promise<void> {
    try {
      const [stored, record] = await Promise.all([this.kvRead(), this.backOffRead()]);
      if (stored && stored.obtainedAt > current.obtainedAt && this.usable(stored, this.now())) {
        logEvent("info", "token_renewed", { source: "kv", client: this.options.clientId });
        this.hold(stored);
        return;
      }
      if (this.adopt(record, this.now())) return; // another isolate's renewal failed: wait too
      const coordinated = await this.fromCoordinator({ fresherThan: current.obtainedAt });
      if (coordinated) {
        logEvent("info", "token_renewed", { source: "coordinator", client: this.options.clientId });
        this.hold(coordinated);
        return;
      }
      this.hold(await this.fetchAndShare(record));
      logEvent("info", "token_renewed", { source: "token_endpoint", client: this.options.clientId });
    } catch (error) {
      // The current token stays in use; the next request past renewAt tries again.
      logEvent("warn", "token_renewal_failed", { client: this.options.clientId, code: (error as EdgeAuthError).code });
    }
  }

  /** Asks the endpoint; shares the token, or remembers the failure. `seen`: the back-off record read from KV. */
  private async fetchAndShare(seen: BackOffRecord | null): Promise<IssuedToken> {
    const started = this.now();
    // Retries within the call only while no failure is remembered (as a retry quota
    // would): once one is, each back-off step is one request, not `maxAttempts`.
    const retry = this.endpointFailures > 0 ? { ...this.options.retry, maxAttempts: 1 } : this.options.retry;
    let token: IssuedToken;
    try {
      token = await requestTokenWithRetries(this.options, retry, { now: this.now, random: this.random });
      if (token.expiresAt - token.obtainedAt <= this.marginMs) {
        throw new TokenRequestError("TOKEN_RESPONSE_INVALID", "the token's lifetime is shorter than the safety margin");
      }
    } catch (error) {
      if (error instanceof TokenRequestError) throw await this.rememberFailure(error, started);
      throw error;
    }
    logEvent("info", "token_requested", {
      client: this.options.clientId,
      durationMs: this.now() - started,
      expiresAt: new Date(token.expiresAt).toISOString(),
    });
    await this.kvCall((store) => store.write(token, this.now()), "KV write");
    if (this.endpointFailures > 0 || seen?.kind === "token_endpoint") {
      this.endpointFailures = 0;
      if (this.backOff?.kind === "token_endpoint") this.backOff = null;
      await this.kvCall(async () => (await this.backOffStore!).delete(), "KV delete");
    }
    return token;
  }

  /** Starts the next back-off step, logs it (once per step), shares it; returns what `getToken` throws. */
  private async rememberFailure(error: TokenRequestError, started: number): Promise<TokenRequestError> {
    const now = this.now();
    this.endpointFailures += 1;
    let delayMs = backOffDelayMs(this.endpointFailures, this.backOffBaseMs, this.backOffMaxMs, this.random);
    // The endpoint's own Retry-After (a 429) is honoured, up to the cap.
    if (error.retryAfterSeconds !== undefined) delayMs = Math.min(this.backOffMaxMs, Math.max(delayMs, error.retryAfterSeconds * 1000));
    const record: BackOffRecord = {
      kind: "token_endpoint",
      code: error.code,
      step: this.endpointFailures,
      until: now + delayMs,
      status: error.status,
      oauthError: error.oauthError,
    };
    this.backOff = record;
    logEvent("error", "token_request_failed", {
      client: this.options.clientId,
      code: error.code,
      status: error.status,
      oauthError: error.oauthError,
      configurationProblem: isConfigurationRejection(error),
      durationMs: now - started,
      step: record.step,
      backOffMs: delayMs,
    });
    await this.kvCall(async () => (await this.backOffStore!).write(record, now), "KV write");
    const remembered = rememberedFailure(record, this.now());
    return new TokenRequestError(error.code, error.message, {
      status: error.status,
      oauthError: error.oauthError,
      retryAfterSeconds: remembered.retryAfterSeconds,
      cause: error.cause,
    });
  }

  private async kvRead(): Promise<IssuedToken | null> {
    const stored = (await this.kvCall((store) => store.read(), "KV read")) ?? null;
    // A token just refused may still be in KV while its delete is on its way: never take it back.
    return stored && stored.accessToken === this.forgotten ? null : stored;
  }

  private async backOffRead(): Promise<BackOffRecord | null> {
    return (await this.kvCall(async () => (await this.backOffStore!).read(this.now(), this.backOffMaxMs), "KV read")) ?? null;
  }

  /** Runs a KV operation; a failure or a timeout is logged and returns undefined. */
  private async kvCall<T>(operation: (store: EncryptedTokenStore) => Promise<T>, what: string): Promise<T | undefined> {
    if (!this.store) return undefined;
    try {
      return await withTimeout(this.store.then(operation), this.kvTimeoutMs, what);
    } catch (error) {
      logEvent("warn", "token_cache_kv_failed", { operation: what, reason: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  }
}
