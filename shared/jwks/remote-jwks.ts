/**
 * A JSON Web Key Set fetched from the issuer and kept for the life of the isolate.
 *
 * Why not jose's `createRemoteJWKSet`: the verifier needs a key by `kid` without a
 * second parse on the hot path, a cap on the response size, stale keys served when
 * the endpoint fails, and a signal when keys disappear (to drop cached verdicts);
 * jose offers the cooldown and the timeout but not these.
 *
 * Behaviour:
 * - The set is fetched on first use. A known `kid` never causes a fetch.
 * - An unknown `kid` causes a fetch, and a fetch that does not find the kid it was
 *   made for starts a cooldown: no other unknown kid causes a fetch for `cooldownMs`.
 *   A flood of forged kids thus costs one JWKS request per cooldown, while a key the
 *   issuer has just rotated in is picked up by the first token signed with it (a
 *   productive fetch starts no cooldown). Concurrent callers share the fetch in flight.
 * - After `maxAgeMs` the set is refreshed in the background (with `waitUntil`),
 *   while the current keys keep serving.
 * - A failed fetch (network, timeout, status, size, garbage) keeps the keys already
 *   known (stale-if-error). With no keys at all, callers get {@link JwksUnavailableError}.
 * @module
 */
import { ConfigError, JwksUnavailableError } from "../errors.ts";
import { readBodyText } from "../http/read-body.ts";
import { logEvent } from "../log.ts";
import { numberOption } from "../options.ts";

export interface RemoteJwksOptions {
  /** Where the key set is served, e.g. `<issuer>/.well-known/jwks.json`. */
  jwksUri: string;
  /** Minimum time between two fetches caused by unknown kids. Default 30 s. */
  cooldownMs?: number;
  /** Abort a fetch after this long. Default 5 s. */
  timeoutMs?: number;
  /** Refuse responses larger than this. Default 64 KiB. */
  maxResponseBytes?: number;
  /** Refresh in the background once the set is this old. Default 10 minutes. */
  maxAgeMs?: number;
  /** The fetch to use; defaults to the global one. */
  fetch?: (request: Request) => Promise<Response>;
  /** Milliseconds since the epoch; for tests. */
  now?: () => number;
}

/** A usable key from the set: a JWK with a `kid`. */
export type KeyedJwk = JsonWebKey & { kid: string };

export const JWKS_COOLDOWN_MS = 30_000;
export const JWKS_TIMEOUT_MS = 5_000;
export const JWKS_MAX_RESPONSE_BYTES = 64 * 1024;
export const JWKS_MAX_AGE_MS = 10 * 60_000;
// With no key known at all, a failed fetch is retried sooner than the cooldown: every
// request fails until one succeeds, so waiting the full cooldown would cost availability.
const RETRY_WITHOUT_KEYS_MS = 1_000;

type KeysChangedListener = (removedKids: string[]) => void;

function parseKeySet(text: string): Map<string, KeyedJwk> {
  const parsed: unknown = JSON.parse(text);
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error("the JWKS has no keys array");
  const byKid = new Map<string, KeyedJwk>();
  for (const key of keys) {
    if (typeof key !== "object" || key === null) continue;
    const { kid, kty } = key as { kid?: unknown; kty?: unknown };
    // A key without a kid cannot be chosen safely; a repeated kid is ambiguous: the first one wins.
    if (typeof kid !== "string" || kid === "" || typeof kty !== "string" || byKid.has(kid)) continue;
    byKid.set(kid, key as KeyedJwk);
  }
  if (byKid.size === 0) throw new Error("the JWKS has no usable key");
  return byKid;
}

export class RemoteJwks {
  readonly jwksUri: string;
  private readonly cooldownMs: number;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly maxAgeMs: number;
  private readonly fetchImpl: (request: Request) => Promise<Response>;
  private readonly now: () => number;

  private keys: Map<string, KeyedJwk> | null = null;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  /** When a fetch last failed to find the kid it was made for: the start of the cooldown. */
  private fruitlessFetchAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;
  private readonly listeners: KeysChangedListener[] = [];
  /** Fetches made so far, successful or not. */
  fetchCount = 0;

  constructor(options: RemoteJwksOptions) {
    let url: URL;
    try {
      url = new URL(options.jwksUri);
    } catch {
      throw new ConfigError("jwksUri is not a URL", "jwksUri");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError("jwksUri must be http(s)", "jwksUri");
    this.jwksUri = url.href;
    this.cooldownMs = numberOption("jwks.cooldownMs", options.cooldownMs, JWKS_COOLDOWN_MS);
    this.timeoutMs = numberOption("jwks.timeoutMs", options.timeoutMs, JWKS_TIMEOUT_MS, { min: 1 });
    this.maxResponseBytes = numberOption("jwks.maxResponseBytes", options.maxResponseBytes, JWKS_MAX_RESPONSE_BYTES, { min: 1 });
    this.maxAgeMs = numberOption("jwks.maxAgeMs", options.maxAgeMs, JWKS_MAX_AGE_MS);
    this.fetchImpl = options.fetch ?? ((request) => fetch(request));
    this.now = options.now ?? Date.now;
  }

  /** Called with the kids that left the set after a refresh. */
  onKeysRemoved(listener: KeysChangedListener): void {
    this.listeners.push(listener);
  }

  /**
   * The key with this kid, or `undefined` if the issuer does not publish it.
   * @throws {JwksUnavailableError} when no key set could ever be fetched
   */
  async getKey(kid: string, waitUntil?: (promise: Promise<unknown>) => void): Promise<KeyedJwk | undefined> {
    const now = this.now();
    const known = this.keys?.get(kid);
    if (known) {
      this.refreshIfStale(waitUntil, now);
      return known;
    }
    let fetched = true;
    if (this.inflight) {
      await this.inflight;
    } else if (!this.keys) {
      if (now - this.attemptedAt >= Math.min(this.cooldownMs, RETRY_WITHOUT_KEYS_MS)) await this.refresh();
    } else if (now - this.fruitlessFetchAt >= this.cooldownMs) {
      await this.refresh();
    } else {
      fetched = false;
    }
    if (!this.keys) throw new JwksUnavailableError("the issuer's key set could not be fetched");
    const found = this.keys.get(kid);
    if (found === undefined && fetched) this.fruitlessFetchAt = Math.max(this.fruitlessFetchAt, now);
    return found;
  }

  /**
   * Starts a background refresh when the set is older than `maxAgeMs`; the caller
   * goes on with the keys it has. Cheap enough for every request.
   */
  refreshIfStale(waitUntil?: (promise: Promise<unknown>) => void, now = this.now()): void {
    if (this.keys && now - this.fetchedAt > this.maxAgeMs && now - this.attemptedAt >= this.cooldownMs && !this.inflight) {
      waitUntil?.(this.refresh());
    }
  }

  /** Fetches the set now, sharing a fetch already in flight. Never rejects. */
  refresh(): Promise<void> {
    this.inflight ??= this.fetchKeys().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async fetchKeys(): Promise<void> {
    this.attemptedAt = this.now();
    this.fetchCount++;
    try {
      const response = await this.fetchImpl(
        new Request(this.jwksUri, { headers: { Accept: "application/json" }, signal: AbortSignal.timeout(this.timeoutMs) }),
      );
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`the JWKS endpoint answered ${response.status}`);
      }
      const keys = parseKeySet(await readBodyText(response, this.maxResponseBytes));
      const removed = this.keys ? [...this.keys.keys()].filter((kid) => !keys.has(kid)) : [];
      this.keys = keys;
      this.fetchedAt = this.now();
      if (removed.length > 0) for (const listener of this.listeners) listener(removed);
    } catch (error) {
      logEvent("warn", "jwks_fetch_failed", {
        jwksUri: this.jwksUri,
        keptKeys: this.keys?.size ?? 0,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
