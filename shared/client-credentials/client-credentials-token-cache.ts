/**
 * A client-credentials access token shared by every isolate of a Worker, in three
 * tiers: isolate memory, then Workers KV (sealed: sealed-store.ts), then
 * the token source (the OAuth token endpoint: token-source.ts).
 *
 * - Concurrent requests of an isolate share one lookup: a cold isolate hit by 200
 *   requests makes one KV read and at most one token request.
 * - A token is never handed out within `safetyMarginSeconds` (at least 60) of its
 *   expiry, which also covers KV's up-to-60 s propagation between locations.
 * - Past its renewal point (renewal-schedule.ts), one request renews it in the
 *   background with `waitUntil` while requests go on with the current token. The
 *   renewal first looks in KV, where another isolate may already have put a newer one.
 * - KV failures and slowness (over `kvTimeoutMs`) are logged and fall back to memory
 *   and the token source: they never fail a request (sealed-store.ts).
 * - A failure is remembered (token-backoff.ts): no new token request until a back-off
 *   of about 1 s, doubling up to about 60 s, with jitter, ends; meanwhile `getToken`
 *   rejects at once with the remembered failure and the seconds left. The back-off is
 *   shared through KV, so other isolates wait too. Only the first failure is retried
 *   within the call (`retry`).
 * - A token the resource server refuses (`reportRefused`) is never served, held or
 *   stored again; a fresh token refused too starts a back-off (new ones would be
 *   refused as well).
 * - With a `coordinator` (coordinator-client.ts), a Durable Object is asked on a memory
 *   or KV miss and at each renewal, and makes one token request at a time worldwide.
 *   A coordinator that fails, is slow or answers something untrusted is logged and
 *   skipped: the isolate asks the token source itself, within the back-off.
 * @module
 */
import { EdgeAuthError, TokenRequestError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { CoordinatorAsk, TokenCoordinatorClient } from "./coordinator-client.ts";
import { renewalTime } from "./renewal-schedule.ts";
import type { IssuedToken } from "./request-token.ts";
import { SealedStore } from "./sealed-store.ts";
import { type BackOffRecord, BackOffState, isConfigurationRejection, rememberedFailure } from "./token-backoff.ts";
import {
  type CacheSettings,
  type ClientCredentialsTokenCacheOptions,
  checkCacheOptions,
  type GetTokenOptions,
  sealingSecret,
  storeKeyFor,
  type TokenFetchOptions,
} from "./token-cache-options.ts";
import { type TokenSource, tokenSource } from "./token-source.ts";

interface HeldToken extends IssuedToken {
  /** When this isolate starts a background renewal. */
  renewAt: number;
}

export class ClientCredentialsTokenCache {
  private readonly settings: CacheSettings;
  private readonly log: Logger;
  private readonly client: string;
  private readonly store: SealedStore | null;
  private readonly backOff: BackOffState;
  private readonly source: TokenSource;
  private readonly coordinator: TokenCoordinatorClient | null;
  private readonly key: Promise<string>;
  private held: HeldToken | null = null;
  private lookup: Promise<HeldToken> | null = null;
  private renewal: Promise<void> | null = null;
  /** The token last forgotten, so that 50 requests refused together cost one KV delete. */
  private forgotten: string | null = null;
  /** The token last refused: never served, held or stored again, and the coordinator is asked for a fresher one. */
  private refused: { accessToken: string; obtainedAt?: number } | null = null;
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
    this.settings = checkCacheOptions(options);
    const { now, random, logger, backOffBaseMs, backOffMaxMs, kvTimeoutMs } = this.settings;
    this.log = logger;
    this.client = options.clientId;
    this.source = tokenSource(options, options.retry, { now, random });
    const clientSecret = sealingSecret(options);
    this.key = storeKeyFor(options);
    const { kv } = options;
    this.store = kv ? new SealedStore({ kv, clientSecret, tokenKey: this.key, timeoutMs: kvTimeoutMs, logger }) : null;
    this.backOff = new BackOffState(backOffBaseMs, backOffMaxMs, random);
    this.coordinator = options.coordinator ?? null;
  }

  /**
   * A token with at least the safety margin left.
   * @throws {TokenRequestError} when none is held and the source gives none, or at
   *   once, with `retryAfterSeconds` = the seconds left, while a back-off lasts
   */
  async getToken(options: GetTokenOptions = {}): Promise<string> {
    if (options.location !== undefined && this.location === undefined) this.location = options.location;
    const now = this.settings.now();
    const held = this.held;
    const backOff = this.backOff.active(now);
    if (held && this.usable(held, now)) {
      if (now >= held.renewAt && !this.renewal && options.waitUntil && !backOff) {
        this.renewal = this.refresh(held)
          .then(
            () => undefined,
            // The current token stays in use; the next request past renewAt tries again.
            (error) => this.log("warn", "token_renewal_failed", { client: this.client, code: codeOf(error) }),
          )
          .finally(() => (this.renewal = null));
        options.waitUntil(this.renewal);
      }
      this.log("debug", "token_cache_hit", { tier: "memory", client: this.client });
      return held.accessToken;
    }
    if (backOff) {
      this.log("debug", "token_backoff_active", { client: this.client, code: backOff.code, leftMs: backOff.until - now });
      throw rememberedFailure(backOff, now);
    }
    this.lookup ??= this.refresh(null).finally(() => (this.lookup = null));
    return (await this.lookup).accessToken;
  }

  /**
   * Sends a request with this client's token: `Authorization: Bearer`, and on a 401
   * the token is reported refused (`reportRefused`) and the request sent once more
   * with a fresh one, never more. A second 401 is returned as it is (and starts the
   * back-off). A body that cannot be sent twice (a stream) is not retried: its 401 is
   * returned, logged as `token_refused_not_retried`, and the next call has a fresh token.
   * Usable as the `fetch` of hono's `hc` client or around a service binding.
   * @throws {TokenRequestError} as `getToken` does, when no token can be had
   * @example
   * const response = await tokens.fetch("https://api.example.com/weatherforecast", {}, {
   *   waitUntil: (p) => ctx.waitUntil(p), fetch: (request) => env.MY_SERVICE.fetch(request),
   * });
   */
  async fetch(input: RequestInfo | URL, init: RequestInit = {}, options: TokenFetchOptions = {}): Promise<Response> {
    const send = options.fetch ?? ((request: Request) => fetch(request));
    const body = init.body ?? (input instanceof Request ? input.body : null);
    const attempt = (token: string) => {
      const request = new Request(input, init);
      request.headers.set("Authorization", `Bearer ${token}`);
      return send(request);
    };
    const token = await this.getToken(options);
    const refused = await attempt(token);
    if (refused.status !== 401) return refused;
    await this.reportRefused(token);
    if (body instanceof ReadableStream) {
      this.log("warn", "token_refused_not_retried", {
        client: this.client,
        reason: "the request's body is a stream: it cannot be sent twice",
      });
      return refused;
    }
    this.log("warn", "token_refused", { client: this.client, action: "retry_with_fresh_token" });
    await refused.body?.cancel();
    const fresh = await this.getToken(options);
    const response = await attempt(fresh);
    if (response.status === 401) await this.reportRefused(fresh);
    return response;
  }

  /**
   * Forgets a token the resource server refused (a 401): from memory, and from KV
   * if KV still holds that same token. The next `getToken` gets a new one.
   */
  async invalidate(accessToken: string): Promise<void> {
    if (this.held?.accessToken === accessToken) this.held = null;
    if (this.forgotten === accessToken) return;
    this.forgotten = accessToken;
    const stored = await this.store?.read(this.settings.now(), this.settings.backOffMaxMs);
    if (stored?.token?.accessToken === accessToken) await this.store?.deleteToken();
  }

  /**
   * The resource server refused this token (a 401). It is forgotten (as `invalidate`
   * does) and never served again, so the next `getToken` gets a new one (with a
   * coordinator, one fresher than the refused one): after a key rotation that is the
   * fix. But when the refused token was itself obtained after an earlier refusal, new
   * tokens are refused too (a client id the resource server does not allow, keys it
   * has not fetched yet): the cache then backs off, shared through KV, and `getToken`
   * rejects at once with `FRESH_TOKEN_REFUSED` until the back-off ends, with no token
   * request. Logged as an error once per back-off, not once per request. `fetch`
   * does all this; call it only when you send the raw token yourself.
   */
  async reportRefused(accessToken: string): Promise<void> {
    const now = this.settings.now();
    const held = this.held?.accessToken === accessToken ? this.held : null;
    if (this.refused?.accessToken !== accessToken) this.refused = { accessToken, obtainedAt: held?.obtainedAt };
    const step = this.backOff.refused(now, held?.obtainedAt);
    if (step) {
      this.log("error", "fresh_token_refused", {
        client: this.client,
        reason: "the resource server refused a token just issued (a client id it does not allow, or keys it has not fetched yet)",
        step: step.record.step,
        backOffMs: step.delayMs,
      });
    }
    await this.invalidate(accessToken);
    if (step) await this.store?.writeBackOff(step.record, now);
  }

  private usable(token: IssuedToken, now: number): boolean {
    return now < token.expiresAt - this.settings.marginMs && token.accessToken !== this.refused?.accessToken;
  }

  private hold(token: IssuedToken): HeldToken {
    const renewAt = renewalTime(token, this.settings.marginMs, this.location, this.settings.random());
    this.held = { ...token, renewAt };
    return this.held;
  }

  /**
   * The one refresh algorithm: on a miss (`current` null) and for a background renewal
   * (`current` the token held, which a renewal must better). A usable token in KV wins
   * over any back-off record; a back-off in force (another isolate's) stops here; then
   * the coordinator, then the token source, and the token is shared through KV.
   * @throws {TokenRequestError} when no token can be had, or a back-off is in force
   */
  private async refresh(current: HeldToken | null): Promise<HeldToken> {
    const { token: read, backOff: record } = (await this.store?.read(this.settings.now(), this.settings.backOffMaxMs)) ?? {
      token: null,
      backOff: null,
    };
    // A token just forgotten may still be in KV while its delete is on its way: never take it back.
    const stored = read?.accessToken === this.forgotten ? null : read;
    const now = this.settings.now();
    if (stored && this.usable(stored, now) && (current === null || stored.obtainedAt > current.obtainedAt)) {
      if (current) this.log("info", "token_renewed", { source: "kv", client: this.client });
      else this.log("info", "token_cache_hit", { tier: "kv", client: this.client, expiresAt: new Date(stored.expiresAt).toISOString() });
      return this.hold(stored);
    }
    const adopted = record ? this.backOff.adopt(record, now) : "none";
    if (record && adopted !== "none") {
      if (adopted === "shared") {
        this.log("info", "token_backoff_shared", { client: this.client, code: record.code, step: record.step, leftMs: record.until - now });
      }
      if (current) return current; // another isolate's renewal failed: wait too, with the token held
      throw rememberedFailure(record, now);
    }
    if (!current) this.log("info", "token_cache_miss", { client: this.client });
    const coordinated = await this.fromCoordinator(current?.obtainedAt ?? this.refused?.obtainedAt);
    const token = coordinated ?? (await this.fromSource(record));
    if (current) this.log("info", "token_renewed", { source: coordinated ? "coordinator" : "token_endpoint", client: this.client });
    return this.hold(token);
  }

  /**
   * A token from the coordinator newer than `fresherThan`, shared through KV with this
   * location; null when there is no coordinator, it could not be asked or its reply
   * was not trusted (then the source is asked). A token request that failed at the
   * coordinator is remembered as ours.
   */
  private async fromCoordinator(fresherThan: number | undefined): Promise<IssuedToken | null> {
    if (!this.coordinator) return null;
    const started = this.settings.now();
    const ask: CoordinatorAsk = { key: await this.key };
    if (fresherThan !== undefined) ask.fresherThan = fresherThan;
    if (this.refused) ask.refused = this.refused.accessToken;
    let token: IssuedToken;
    try {
      token = await this.coordinator.token(ask);
    } catch (error) {
      if (error instanceof TokenRequestError) throw await this.rememberFailure(error, started);
      this.log("warn", "token_coordinator_failed", {
        client: this.client,
        reason: error instanceof Error ? error.message : String(error),
        action: "ask_token_endpoint",
      });
      return null;
    }
    if (this.settings.now() >= token.expiresAt - this.settings.marginMs) return null;
    await this.store?.writeToken(token, this.settings.now());
    return token;
  }

  /** Asks the source; shares the token, or remembers the failure. `seen`: the back-off record read from KV. */
  private async fromSource(seen: BackOffRecord | null): Promise<IssuedToken> {
    const started = this.settings.now();
    let token: IssuedToken;
    try {
      // Retries within the call only while no failure is remembered (as a retry quota
      // would): once one is, each back-off step is one request, not `maxAttempts`.
      token = await this.source.request(this.backOff.failing);
      if (token.expiresAt - token.obtainedAt <= this.settings.marginMs) {
        throw new TokenRequestError("TOKEN_RESPONSE_INVALID", "the token's lifetime is shorter than the safety margin");
      }
    } catch (error) {
      if (error instanceof TokenRequestError) throw await this.rememberFailure(error, started);
      throw error;
    }
    this.log("info", "token_requested", {
      client: this.client,
      source: this.source.kind,
      durationMs: this.settings.now() - started,
      expiresAt: new Date(token.expiresAt).toISOString(),
    });
    await this.store?.writeToken(token, this.settings.now());
    if (this.backOff.endpointRecovered() || seen?.kind === "token_endpoint") await this.store?.deleteBackOff();
    return token;
  }

  /** Starts the next back-off step, logs it (once per step), shares it; returns what `getToken` throws. */
  private async rememberFailure(error: TokenRequestError, started: number): Promise<TokenRequestError> {
    const now = this.settings.now();
    const { record, delayMs } = this.backOff.endpointFailed(error, now);
    this.log("error", "token_request_failed", {
      client: this.client,
      code: error.code,
      status: error.status,
      oauthError: error.oauthError,
      configurationProblem: isConfigurationRejection(error),
      durationMs: now - started,
      step: record.step,
      backOffMs: delayMs,
    });
    await this.store?.writeBackOff(record, now);
    const remembered = rememberedFailure(record, this.settings.now());
    return new TokenRequestError(error.code, error.message, {
      status: error.status,
      oauthError: error.oauthError,
      retryAfterSeconds: remembered.retryAfterSeconds,
      cause: error.cause,
    });
  }
}

/** The stable code of what a renewal threw (`UNEXPECTED` for anything that is not the library's). */
function codeOf(error: unknown): string {
  return error instanceof EdgeAuthError ? error.code : "UNEXPECTED";
}
