/**
 * The issuer's key set kept where the other isolates of a location find it: a Cache
 * API cache (`caches.default`, or a named one from `caches.open`). A cold isolate that
 * finds a fresh copy verifies its first token without a request to the key-set URL,
 * and, while that URL fails, may use the last good copy for a bounded time.
 *
 * Why authenticated: the cache of a zone can be written by every Worker on the zone
 * (Cloudflare, "Cache": "Workers deployed to custom domains have access to functional
 * cache operations", one cache object per zone,
 * https://developers.cloudflare.com/workers/runtime-apis/cache/), so a copy read back
 * is not the issuer's word until proven. Each entry carries an HMAC-SHA-256, keyed
 * with a secret only this Worker holds, over the key-set URL, the time of the fetch
 * and the key set as fetched. An entry without a valid MAC, for another URL, or past
 * its bound is ignored (and logged): someone who can write the cache can delete or
 * replace entries (the isolates then fetch from the URL, as without sharing), or put
 * back an older authentic entry (trusted only for what its own fetch time allows),
 * but cannot introduce a key.
 *
 * Storage layout, one entry per key-set URL and secret:
 * - key: `<jwksUri>?edge-cc-auth-jwks=<first 32 hex digits of HMAC(secret, "key\n" + jwksUri)>`
 *   (a GET request; the secret-derived part keeps deployments with different secrets apart);
 * - value: `application/json`, `{ "v": 1, "jwksUri", "fetchedAt" (ms since the epoch),
 *   "keySet" (the JSON text of the keys as parsed), "mac" (base64url of
 *   HMAC(secret, "edge-cc-auth jwks v1\n" + jwksUri + "\n" + fetchedAt + "\n" + keySet)) }`;
 * - `Cache-Control: max-age=<staleIfErrorMs in seconds>`: the cache may drop it from
 *   then on; the reader checks the bound itself in any case.
 * The Cache API is per location and does nothing on `*.workers.dev`: there each
 * isolate fetches the set as it would without sharing.
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { numberOption } from "../options.ts";

export interface SharedKeySetOptions {
  /** The cache to keep the key set in: `caches.default`, or `caches.open("...")` (a promise is fine). */
  cache: Cache | Promise<Cache>;
  /**
   * A secret of this Worker (at least 32 characters, e.g. `openssl rand -base64 32`)
   * that authenticates the shared copy: a copy without its MAC is never trusted.
   */
  secret: string;
  /**
   * How long after its fetch a shared copy may still be used by an isolate that has no
   * keys while the key-set URL fails. Default 1 hour. Never less than the key set's `maxAgeMs`.
   */
  staleIfErrorMs?: number;
}

/** A copy read back and authenticated. */
export interface SharedKeySetEntry {
  /** The key set's JSON text, as this verifier stored it. */
  keySet: string;
  /** When it was fetched from the URL, in ms since the epoch. */
  fetchedAt: number;
}

/**
 * One hour: long enough for a deploy or a new location during a key-server outage of
 * the usual length to keep answering, short enough that a key the issuer withdrew
 * while its URL failed is not trusted by new isolates for longer than a typical
 * access token lives (Cognito's default access-token validity is 60 minutes).
 */
const JWKS_STALE_IF_ERROR_MS = 60 * 60_000;
const MIN_SECRET_LENGTH = 32;
/** An entry larger than this is not one this verifier wrote (key sets are capped at 64 KiB by default). */
const MAX_ENTRY_BYTES = 512 * 1024;
const MAC_CONTEXT = "edge-cc-auth jwks v1";

const encoder = new TextEncoder();

function base64url(bytes: ArrayBuffer): string {
  let binary = "";
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return undefined;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function macInput(jwksUri: string, fetchedAt: number, keySet: string): BufferSource {
  return encoder.encode(`${MAC_CONTEXT}\n${jwksUri}\n${fetchedAt}\n${keySet}`);
}

export class SharedKeySet {
  readonly staleIfErrorMs: number;
  private readonly cache: Promise<Cache>;
  private readonly hmacKey: Promise<CryptoKey>;
  private readonly cacheKey: Promise<string>;

  /** @throws {ConfigError} when an option is invalid */
  constructor(
    private readonly jwksUri: string,
    options: SharedKeySetOptions,
    maxAgeMs: number,
    private readonly logger: Logger,
  ) {
    if (typeof options !== "object" || options === null || options.cache === undefined || options.cache === null) {
      throw new ConfigError("jwks.shared needs a cache (caches.default or caches.open(name)), or null for no sharing", "jwks.shared");
    }
    if (typeof options.secret !== "string" || options.secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(`jwks.shared.secret must be a string of at least ${MIN_SECRET_LENGTH} characters`, "jwks.shared.secret");
    }
    this.staleIfErrorMs = numberOption("jwks.shared.staleIfErrorMs", options.staleIfErrorMs, Math.max(JWKS_STALE_IF_ERROR_MS, maxAgeMs), {
      min: maxAgeMs,
    });
    this.cache = Promise.resolve(options.cache);
    // Unhandled until used: a cache that cannot be opened is reported by read/write.
    this.cache.catch(() => {});
    this.hmacKey = crypto.subtle.importKey("raw", encoder.encode(options.secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    this.cacheKey = this.hmacKey.then(async (key) => {
      const tag = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`key\n${jwksUri}`)));
      const hex = [...tag.subarray(0, 16)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
      const url = new URL(jwksUri);
      url.searchParams.set("edge-cc-auth-jwks", hex);
      return url.href;
    });
  }

  /** The authenticated copy for this URL, or `undefined` (none, refused, past its bound, or the cache failed). Never rejects. */
  async read(now: number): Promise<SharedKeySetEntry | undefined> {
    let response: Response | undefined;
    try {
      response = await (await this.cache).match(await this.cacheKey);
    } catch (error) {
      this.logger("warn", "jwks_shared_read_failed", {
        jwksUri: this.jwksUri,
        reason: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
    if (response === undefined) return undefined;
    const refuse = (reason: string) => {
      // A copy that does not authenticate was not written by this verifier: worth an alert.
      this.logger("warn", "jwks_shared_copy_refused", { jwksUri: this.jwksUri, reason });
      return undefined;
    };
    let entry: { v?: unknown; jwksUri?: unknown; fetchedAt?: unknown; keySet?: unknown; mac?: unknown };
    try {
      const text = await response.text();
      if (text.length > MAX_ENTRY_BYTES) return refuse("size");
      entry = JSON.parse(text) ?? {};
    } catch {
      return refuse("not json");
    }
    const { v, jwksUri, fetchedAt, keySet, mac } = entry;
    if (v !== 1 || jwksUri !== this.jwksUri || typeof fetchedAt !== "number" || !Number.isFinite(fetchedAt)) return refuse("shape");
    if (typeof keySet !== "string" || typeof mac !== "string") return refuse("shape");
    const macBytes = fromBase64url(mac);
    if (macBytes === undefined) return refuse("mac");
    // crypto.subtle.verify compares in constant time.
    const authentic = await crypto.subtle.verify("HMAC", await this.hmacKey, macBytes, macInput(jwksUri, fetchedAt, keySet));
    if (!authentic) return refuse("mac");
    if (now - fetchedAt >= this.staleIfErrorMs) return undefined;
    return { keySet, fetchedAt };
  }

  /** Stores a key set this verifier has just fetched from its URL. Never rejects. */
  async write(keySet: string, fetchedAt: number): Promise<void> {
    try {
      const mac = await crypto.subtle.sign("HMAC", await this.hmacKey, macInput(this.jwksUri, fetchedAt, keySet));
      const body = JSON.stringify({ v: 1, jwksUri: this.jwksUri, fetchedAt, keySet, mac: base64url(mac) });
      const maxAgeSeconds = Math.ceil(this.staleIfErrorMs / 1000);
      const response = new Response(body, {
        headers: { "Content-Type": "application/json", "Cache-Control": `max-age=${maxAgeSeconds}` },
      });
      await (await this.cache).put(await this.cacheKey, response);
    } catch (error) {
      this.logger("warn", "jwks_shared_write_failed", {
        jwksUri: this.jwksUri,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
