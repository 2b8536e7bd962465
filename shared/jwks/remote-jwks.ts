/**
 * A JSON Web Key Set fetched from the issuer and kept for the life of the isolate.
 *
 * Why not jose's `createRemoteJWKSet`: the verifier needs a key by `kid` without a
 * second parse on the hot path, a cap on the response size, stale keys served when
 * the endpoint fails, and a signal when keys disappear or change (to drop imported
 * keys and cached verdicts); jose offers the cooldown and the timeout but not these.
 *
 * Behaviour:
 * - The set is fetched on first use. A known `kid` never causes a fetch.
 * - An unknown `kid` causes a fetch only if the refetch budget allows it
 *   ({@link RefetchBudget}: one at once, then one per `cooldownMs`, 5 s by default).
 *   A fetch that finds the kid it was made for costs nothing. So a flood of forged
 *   kids costs at most 12 JWKS requests a minute per isolate, and a key the issuer
 *   has just rotated in is accepted at most `cooldownMs` after it is published, even
 *   during such a flood. Concurrent callers share the fetch in flight. The
 *   trade-off, fetch rate against pickup delay, is set out in ./refetch-budget.ts.
 * - After `maxAgeMs` the set is refreshed in the background (with `waitUntil`),
 *   while the current keys keep serving; while that refresh fails it is retried at
 *   most every `JWKS_STALE_RETRY_MS`.
 * - Every refresh compares each key with the one it replaces by RFC 7638 thumbprint
 *   (and `alg`/`use`/`key_ops`): a kid whose key changed is reported like a removed
 *   one, so its imported key and the verdicts cached under it are dropped. A signature
 *   that a known key does not verify asks for such a refresh ({@link suspect}), within
 *   the same refetch budget.
 * - A 200 whose body is a JSON object with a `keys` array is the issuer's word, even
 *   when the array is empty or holds no usable key: kids that left are dropped, with
 *   their imported keys and cached verdicts (an issuer may withdraw every key).
 * - A failed fetch (network, timeout, error status, redirect, size, a body that is not
 *   such an object) keeps the keys already known (stale-if-error). Redirects are never
 *   followed: the key set is trusted because of where it is served, so a 3xx is a
 *   failure. With no key set fetched yet, callers get {@link JwksUnavailableError}.
 * - With `shared` ({@link SharedKeySet}), each set fetched is also kept, authenticated,
 *   where the location's other isolates find it. An isolate with no keys reads it first:
 *   a copy younger than `maxAgeMs` serves at once, with no fetch; an older one only if
 *   the URL then fails, and only until `staleIfErrorMs` after its fetch. Keys taken from
 *   a copy are dropped at that bound unless the isolate's own fetch has replaced them;
 *   from then on callers get {@link JwksUnavailableError} again.
 * @module
 */
import { JwksUnavailableError } from "../errors.ts";
import { readBodyText } from "../http/read-body.ts";
import { jsonLineLogger, type Logger } from "../log.ts";
import { numberOption, urlOption } from "../options.ts";
import { type KeyedJwk, keyFingerprint } from "./key-fingerprint.ts";

export type { KeyedJwk } from "./key-fingerprint.ts";

import { RefetchBudget } from "./refetch-budget.ts";
import { SharedKeySet, type SharedKeySetEntry, type SharedKeySetOptions } from "./shared-key-set.ts";

export interface RemoteJwksOptions {
  /** Where the key set is served, e.g. `<issuer>/.well-known/jwks.json`. */
  jwksUri: string;
  /** Under a flood of unknown kids, at most one fetch per this long (see the module comment). Default 5 s. */
  cooldownMs?: number;
  /** Abort a fetch after this long. Default 5 s. */
  timeoutMs?: number;
  /** Refuse responses larger than this. Default 64 KiB. */
  maxResponseBytes?: number;
  /** Refresh in the background once the set is this old. Default 10 minutes. */
  maxAgeMs?: number;
  /** The fetch to use; defaults to the global one. It is given `redirect: "manual"` requests. */
  fetch?: (request: Request) => Promise<Response>;
  /** Milliseconds since the epoch. @internal */
  now?: () => number;
  /** Where events go (a failed fetch, keys withdrawn). Default: JSON lines on the console. */
  logger?: Logger;
  /** Keep the set where other isolates find it (see the module comment); `null` or absent: each isolate fetches its own. */
  shared?: SharedKeySetOptions | null;
}

const JWKS_COOLDOWN_MS = 5_000;
/** Unknown-kid fetches allowed at once; with 1, the rate under a flood is 60 s / cooldownMs a minute. */
const JWKS_REFETCH_BURST = 1;
const JWKS_TIMEOUT_MS = 5_000;
const JWKS_MAX_RESPONSE_BYTES = 64 * 1024;
const JWKS_MAX_AGE_MS = 10 * 60_000;
/** A stale set whose background refresh failed is retried this often, not per request. */
const JWKS_STALE_RETRY_MS = 30_000;
// With no key known at all, a failed fetch is retried sooner than the cooldown: every
// request fails until one succeeds, so waiting the full cooldown would cost availability.
const RETRY_WITHOUT_KEYS_MS = 1_000;

/** A promise settled on a later turn of the event loop, after the current request's I/O. */
const nextTick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Called with the kids that left the set, or whose key changed, after a refresh. */
type KeysChangedListener = (removedKids: string[]) => void;

/** A failed fetch, with a short reason for the log line. */
class JwksFetchFailure extends Error {
  constructor(
    readonly reason: string,
    readonly status?: number,
  ) {
    super(reason);
  }
}

function parseKeySet(text: string): Map<string, KeyedJwk> {
  const parsed: unknown = JSON.parse(text);
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new JwksFetchFailure("no keys array");
  const byKid = new Map<string, KeyedJwk>();
  for (const key of keys) {
    if (typeof key !== "object" || key === null) continue;
    const { kid, kty } = key as { kid?: unknown; kty?: unknown };
    // A key without a kid cannot be chosen safely; a repeated kid is ambiguous: the first one wins.
    if (typeof kid !== "string" || kid === "" || typeof kty !== "string" || byKid.has(kid)) continue;
    byKid.set(kid, key as KeyedJwk);
  }
  return byKid;
}

function fingerprints(keys: Map<string, KeyedJwk>): Map<string, string> {
  return new Map([...keys].map(([kid, jwk]) => [kid, keyFingerprint(jwk)]));
}

/**
 * What a verifier shows of one issuer's key set: enough to observe it and reload it,
 * in the spirit of jose's remote key set (`fresh`, `coolingDown`, `reload()`).
 */
export interface KeySetView {
  readonly jwksUri: string;
  /** True while the last good fetch is younger than `jwks.maxAgeMs`. */
  readonly fresh: boolean;
  /** True while an unknown `kid` cannot cause a fetch (the refetch budget is spent). */
  readonly coolingDown: boolean;
  /**
   * Fetches the set now (concurrent calls share one fetch).
   * @throws {JwksUnavailableError} when it cannot be fetched
   */
  reload(): Promise<void>;
}

export class RemoteJwks implements KeySetView {
  readonly jwksUri: string;
  private readonly cooldownMs: number;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly maxAgeMs: number;
  private readonly fetchImpl: (request: Request) => Promise<Response>;
  private readonly now: () => number;
  private readonly budget: RefetchBudget;
  private readonly logger: Logger;
  private readonly shared: SharedKeySet | null;

  private keys: Map<string, KeyedJwk> | null = null;
  private thumbprints = new Map<string, string>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;
  /** Keys taken from a shared copy are dropped at this time; +Infinity once fetched here. */
  private usableUntil = Number.POSITIVE_INFINITY;
  private readonly listeners: KeysChangedListener[] = [];
  /** Fetches made so far, successful or not. @internal */
  fetchCount = 0;

  /** @throws {ConfigError} when an option is invalid */
  constructor(options: RemoteJwksOptions) {
    this.jwksUri = urlOption("jwksUri", options.jwksUri).href;
    this.cooldownMs = numberOption("jwks.cooldownMs", options.cooldownMs, JWKS_COOLDOWN_MS);
    this.timeoutMs = numberOption("jwks.timeoutMs", options.timeoutMs, JWKS_TIMEOUT_MS, { min: 1 });
    this.maxResponseBytes = numberOption("jwks.maxResponseBytes", options.maxResponseBytes, JWKS_MAX_RESPONSE_BYTES, { min: 1 });
    this.maxAgeMs = numberOption("jwks.maxAgeMs", options.maxAgeMs, JWKS_MAX_AGE_MS);
    this.fetchImpl = options.fetch ?? ((request) => fetch(request));
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? jsonLineLogger();
    this.budget = new RefetchBudget(JWKS_REFETCH_BURST, this.cooldownMs, this.now());
    this.shared = options.shared ? new SharedKeySet(this.jwksUri, options.shared, this.maxAgeMs, this.logger) : null;
  }

  get fresh(): boolean {
    return this.now() - this.fetchedAt <= this.maxAgeMs;
  }

  get coolingDown(): boolean {
    return this.budget.waitMs(this.now()) > 0;
  }

  reload(): Promise<void> {
    return this.refresh();
  }

  /** Called with the kids that left the set, or whose key material changed, after a refresh. */
  onKeysRemoved(listener: KeysChangedListener): void {
    this.listeners.push(listener);
  }

  /** The key with this kid as the set holds it now, without any fetch. */
  peekKey(kid: string): KeyedJwk | undefined {
    return this.keys?.get(kid);
  }

  /**
   * The key with this kid, or `undefined` if the issuer does not publish it.
   * @throws {JwksUnavailableError} when no key set could ever be fetched
   */
  async getKey(kid: string, waitUntil?: (promise: Promise<unknown>) => void): Promise<KeyedJwk | undefined> {
    const now = this.now();
    this.dropIfPastBound(now);
    const known = this.keys?.get(kid);
    if (known) {
      this.refreshIfStale(waitUntil, now);
      return known;
    }
    if (this.inflight) {
      await this.inflight;
    } else if (!this.keys) {
      if (now - this.attemptedAt >= Math.min(this.cooldownMs, RETRY_WITHOUT_KEYS_MS)) await this.refresh(waitUntil);
    } else if (this.budget.take(now)) {
      await this.refresh(waitUntil);
      if (this.keys?.has(kid)) this.budget.refund();
    }
    if (!this.keys) throw new JwksUnavailableError("the issuer's key set could not be fetched");
    return this.keys.get(kid);
  }

  /**
   * A known key did not verify a signature: perhaps the issuer published new material
   * under the same kid. Starts a background refresh if the refetch budget allows one
   * (the same budget as unknown kids, so forged signatures cost no more fetches).
   */
  suspect(waitUntil?: (promise: Promise<unknown>) => void, now = this.now()): void {
    if (this.keys && !this.inflight && this.budget.take(now)) {
      const refreshed = this.refresh(waitUntil);
      waitUntil?.(refreshed);
    }
  }

  /**
   * Starts a background refresh when the set is older than `maxAgeMs`; the caller
   * goes on with the keys it has. Cheap enough for every request.
   */
  refreshIfStale(waitUntil?: (promise: Promise<unknown>) => void, now = this.now()): void {
    if (this.keys && now - this.fetchedAt > this.maxAgeMs && now - this.attemptedAt >= JWKS_STALE_RETRY_MS && !this.inflight) {
      waitUntil?.(this.refresh(waitUntil));
    }
  }

  /**
   * Keys taken from a shared copy, past `staleIfErrorMs` after their fetch and not
   * replaced by a fetch of this isolate, are dropped (with their imported keys and
   * cached verdicts). Returns true when the set holds no keys from then on.
   * @internal the verifier calls it before choosing a key
   */
  dropIfPastBound(now = this.now()): boolean {
    if (now < this.usableUntil) return false;
    const dropped = [...(this.keys?.keys() ?? [])];
    this.logger("warn", "jwks_shared_copy_expired", { jwksUri: this.jwksUri, droppedKids: dropped.length });
    this.keys = null;
    this.thumbprints = new Map();
    this.usableUntil = Number.POSITIVE_INFINITY;
    if (dropped.length > 0) for (const listener of this.listeners) listener(dropped);
    return true;
  }

  /** Fetches the set now, sharing a fetch already in flight; with no keys yet, the shared copy first. Never rejects. */
  refresh(waitUntil?: (promise: Promise<unknown>) => void): Promise<void> {
    this.inflight ??= (
      this.keys === null && this.shared ? this.startFromShared(this.shared, waitUntil) : this.fetchKeys(waitUntil)
    ).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /** An isolate with no keys: a fresh shared copy, else the URL, else a copy within its bound. */
  private async startFromShared(shared: SharedKeySet, waitUntil?: (promise: Promise<unknown>) => void): Promise<void> {
    const entry = await shared.read(this.now());
    if (entry && this.now() - entry.fetchedAt < this.maxAgeMs && this.adopt(entry, shared)) {
      this.logger("debug", "jwks_shared_copy_used", { jwksUri: this.jwksUri, ageMs: this.now() - entry.fetchedAt });
      return;
    }
    await this.fetchKeys(waitUntil);
    // The fetch may have taken up to its timeout: the copy's bound is checked again.
    if (this.keys === null && entry && this.now() < entry.fetchedAt + shared.staleIfErrorMs && this.adopt(entry, shared)) {
      this.logger("warn", "jwks_stale_shared_copy_used", {
        jwksUri: this.jwksUri,
        ageMs: this.now() - entry.fetchedAt,
        usableForMs: this.usableUntil - this.now(),
      });
    }
  }

  /** Takes the keys of an authenticated shared copy, until its bound. False if it does not parse (then it is ignored). */
  private adopt(entry: SharedKeySetEntry, shared: SharedKeySet): boolean {
    let keys: Map<string, KeyedJwk>;
    try {
      keys = parseKeySet(entry.keySet);
    } catch {
      return false;
    }
    this.keys = keys;
    this.thumbprints = fingerprints(keys);
    this.fetchedAt = entry.fetchedAt;
    this.usableUntil = entry.fetchedAt + shared.staleIfErrorMs;
    return true;
  }

  private async fetchKeys(waitUntil?: (promise: Promise<unknown>) => void): Promise<void> {
    this.attemptedAt = this.now();
    this.fetchCount++;
    try {
      const response = await this.fetchImpl(
        new Request(this.jwksUri, {
          headers: { Accept: "application/json" },
          redirect: "manual",
          signal: AbortSignal.timeout(this.timeoutMs),
        }),
      );
      // Workers hand back the 3xx itself; browsers an "opaqueredirect" with status 0.
      if ((response.status >= 300 && response.status < 400) || (response.type as string) === "opaqueredirect") {
        await response.body?.cancel();
        throw new JwksFetchFailure("redirect", response.status);
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new JwksFetchFailure("status", response.status);
      }
      const keys = parseKeySet(await readBodyText(response, this.maxResponseBytes));
      const thumbprints = fingerprints(keys);
      const dropped = this.keys
        ? [...this.thumbprints].filter(([kid, thumbprint]) => thumbprints.get(kid) !== thumbprint).map(([kid]) => kid)
        : [];
      this.keys = keys;
      this.thumbprints = thumbprints;
      this.fetchedAt = this.now();
      this.usableUntil = Number.POSITIVE_INFINITY;
      if (this.shared) {
        const shared = this.shared;
        const keySet = JSON.stringify({ keys: [...keys.values()] });
        const fetchedAt = this.fetchedAt;
        // With waitUntil, the copy is written a timer tick later, once the answer that waited
        // for this fetch has gone out. Started at once, the write (HMAC, cache put) held that
        // answer back: a location's first isolate answered its first token in 17.1 ms, against
        // 14.7 ms deferred (bench/startup.mjs's first-request samples, Miniflare, median of 7).
        if (waitUntil) waitUntil(nextTick().then(() => shared.write(keySet, fetchedAt)));
        else await shared.write(keySet, fetchedAt);
      }
      if (keys.size === 0) this.logger("warn", "jwks_keys_withdrawn", { jwksUri: this.jwksUri, keys: 0, droppedKids: dropped.length });
      if (dropped.length > 0) for (const listener of this.listeners) listener(dropped);
    } catch (error) {
      this.logger("warn", "jwks_fetch_failed", {
        jwksUri: this.jwksUri,
        keptKeys: this.keys?.size ?? 0,
        reason: error instanceof JwksFetchFailure ? error.reason : error instanceof Error ? error.message : String(error),
        status: error instanceof JwksFetchFailure ? error.status : undefined,
      });
    }
  }
}
