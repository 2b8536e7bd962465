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
 * @module
 */
import { ConfigError, EdgeAuthError, TokenRequestError } from "../errors.ts";
import type { KeyValueStore } from "../key-value-store.ts";
import { logEvent } from "../log.ts";
import { EncryptedTokenStore, tokenStoreKey } from "./encrypted-token-store.ts";
import { checkRetryOptions, requestTokenWithRetries, type RetryOptions } from "./request-token-with-retries.ts";
import { TOKEN_REQUEST_TIMEOUT_MS, type IssuedToken, type TokenEndpointOptions } from "./request-token.ts";
import { numberOption } from "../options.ts";

export interface ClientCredentialsTokenCacheOptions extends TokenEndpointOptions {
  /** The shared store, or `null` to keep tokens in isolate memory only (said explicitly). */
  kv: KeyValueStore | null;
  /** Never hand out a token this close to its expiry. Default and minimum 60. */
  safetyMarginSeconds?: number;
  /** Give up on a KV read or write after this long. Default 1 s. */
  kvTimeoutMs?: number;
  retry?: RetryOptions;
  /** Milliseconds since the epoch; for tests. */
  now?: () => number;
  random?: () => number;
}

export interface GetTokenOptions {
  /** `ctx.waitUntil`, for the background renewal. Without it the renewal is skipped. */
  waitUntil?: (promise: Promise<unknown>) => void;
}

export const MIN_SAFETY_MARGIN_SECONDS = 60;
export const KV_TIMEOUT_MS = 1_000;
const RENEW_AFTER_FRACTION = 0.75;
const RENEW_JITTER_FRACTION = 0.1;

interface HeldToken extends IssuedToken {
  /** When this isolate starts a background renewal. */
  renewAt: number;
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
  private held: HeldToken | null = null;
  private lookup: Promise<HeldToken> | null = null;
  private renewal: Promise<void> | null = null;

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
    this.options = options;
    this.marginMs = marginSeconds * 1000;
    this.kvTimeoutMs = numberOption("kvTimeoutMs", options.kvTimeoutMs, KV_TIMEOUT_MS, { min: 1 });
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    const kv = options.kv;
    this.store = kv
      ? tokenStoreKey(options.tokenEndpoint, options.clientId, options.scopes).then(
          (key) => new EncryptedTokenStore(kv, key, options.clientSecret),
        )
      : null;
  }

  /**
   * A token with at least the safety margin left.
   * @throws {TokenRequestError} when none is held and the endpoint gives none
   */
  async getToken(options: GetTokenOptions = {}): Promise<string> {
    const now = this.now();
    const held = this.held;
    if (held && this.usable(held, now)) {
      if (now >= held.renewAt && !this.renewal && options.waitUntil) {
        this.renewal = this.renew(held).finally(() => (this.renewal = null));
        options.waitUntil(this.renewal);
      }
      logEvent("debug", "token_cache_hit", { tier: "memory", client: this.options.clientId });
      return held.accessToken;
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
    const stored = await this.kvRead();
    if (stored?.accessToken === accessToken) {
      await this.kvCall((store) => store.delete(), "KV delete");
    }
  }

  private usable(token: IssuedToken, now: number): boolean {
    return now < token.expiresAt - this.marginMs;
  }

  private hold(token: IssuedToken): HeldToken {
    // Fractions of the usable lifetime (up to the safety margin), so that even a
    // 5-minute token leaves a renewal window of about a minute before it is unusable.
    const usableLifetime = token.expiresAt - this.marginMs - token.obtainedAt;
    const renewFraction = RENEW_AFTER_FRACTION + this.random() * RENEW_JITTER_FRACTION;
    this.held = { ...token, renewAt: token.obtainedAt + usableLifetime * renewFraction };
    return this.held;
  }

  private async obtain(): Promise<HeldToken> {
    const stored = await this.kvRead();
    if (stored && this.usable(stored, this.now())) {
      logEvent("info", "token_cache_hit", { tier: "kv", client: this.options.clientId, expiresAt: new Date(stored.expiresAt).toISOString() });
      return this.hold(stored);
    }
    logEvent("info", "token_cache_miss", { client: this.options.clientId });
    return this.hold(await this.fetchAndShare());
  }

  private async renew(current: HeldToken): Promise<void> {
    try {
      const stored = await this.kvRead();
      if (stored && stored.obtainedAt > current.obtainedAt && this.usable(stored, this.now())) {
        logEvent("info", "token_renewed", { source: "kv", client: this.options.clientId });
        this.hold(stored);
        return;
      }
      this.hold(await this.fetchAndShare());
      logEvent("info", "token_renewed", { source: "token_endpoint", client: this.options.clientId });
    } catch (error) {
      // The current token stays in use; the next request past renewAt tries again.
      logEvent("warn", "token_renewal_failed", { client: this.options.clientId, code: (error as EdgeAuthError).code });
    }
  }

  private async fetchAndShare(): Promise<IssuedToken> {
    const started = this.now();
    let token: IssuedToken;
    try {
      token = await requestTokenWithRetries(this.options, this.options.retry, { now: this.now, random: this.random });
    } catch (error) {
      if (error instanceof TokenRequestError) {
        logEvent("error", "token_request_failed", {
          client: this.options.clientId,
          code: error.code,
          status: error.status,
          oauthError: error.oauthError,
          configurationProblem: error.code === "TOKEN_REQUEST_REJECTED",
          durationMs: this.now() - started,
        });
      }
      throw error;
    }
    if (token.expiresAt - token.obtainedAt <= this.marginMs) {
      throw new TokenRequestError("TOKEN_RESPONSE_INVALID", "the token's lifetime is shorter than the safety margin");
    }
    logEvent("info", "token_requested", {
      client: this.options.clientId,
      durationMs: this.now() - started,
      expiresAt: new Date(token.expiresAt).toISOString(),
    });
    await this.kvCall((store) => store.write(token, this.now()), "KV write");
    return token;
  }

  private async kvRead(): Promise<IssuedToken | null> {
    return (await this.kvCall((store) => store.read(), "KV read")) ?? null;
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
