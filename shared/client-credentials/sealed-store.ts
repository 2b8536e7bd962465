/**
 * The one store of the token cache and the token coordinator: the token and the
 * back-off record, sealed, in Workers KV (the coordinator: its Durable Object storage),
 * under keys that name no secret, with values that only a holder of the client
 * secret can read or write. Each call is bounded by a timeout, and a failure or
 * slowness is logged and read as "nothing there", so that the store never fails a
 * request. A back-off record that ends beyond the reader's cap is refused and deleted:
 * whatever wrote it (a clock far ahead, a longer cap set elsewhere), it cannot stop
 * this client for longer than one back-off.
 *
 * Storage layout (the `TOKEN_CACHE` namespace):
 *   key    `cc-token/v1/<hex SHA-256 of "<token endpoint>\n<client id>\n<sorted scopes>">.<secret tag>`,
 *          with `\n<sorted resources>` appended to the hashed text when the client asks
 *          for RFC 8707 resources; the issuer URL in place of the token endpoint when
 *          given `issuer`; the tag: the first 8 bytes of HMAC-SHA-256(sealing secret,
 *          "edge-cc-auth/kv-key"), base64url.
 *   value  the token, sealed (below): `{"accessToken","obtainedAt","expiresAt"}`
 *          (milliseconds since the epoch).
 *   TTL    `expirationTtl` = seconds until the token expires, never below KV's 60 s.
 *   key    `cc-backoff/v2/<the same hash and tag>`
 *   value  the back-off after a failure, sealed (layout of the JSON in token-backoff.ts).
 *   TTL    seconds until the back-off ends, never below KV's 60 s.
 * Sealed: `v1.<iv>.<ciphertext>` (base64url), AES-256-GCM of the JSON with the KV key
 * as additional data (a value cannot be moved to another key), under a key derived
 * with HKDF-SHA-256 from the client secret (with private_key_jwt, from the private key:
 * token-cache-options.ts's sealingSecret) (salt `edge-cc-auth/token-cache/v1`,
 * info = the KV key). Someone who can read the namespace gets no usable token; someone
 * who can write it cannot forge a token or a back-off (a value that does not open is
 * as good as absent, and one longer than a sealed record can be is deleted unread); rotating the client secret makes every value unreadable and
 * moves the key, and the first reader of each generation fetches a new token.
 * @module
 */

import type { TokenRequestFailureCode } from "../errors.ts";
import { decodeBase64url } from "../jwt/base64url.ts";
import type { KeyValueStore } from "../key-value-store.ts";
import type { Logger } from "../log.ts";
import { type IssuedToken, MAX_ACCESS_TOKEN_BYTES } from "./request-token.ts";
import { type BackOffRecord, isFailureFields } from "./token-backoff.ts";

const TOKEN_PREFIX = "cc-token/v1/";
const BACKOFF_PREFIX = "cc-backoff/v2/";
const VALUE_VERSION = "v1";
const HKDF_SALT = new TextEncoder().encode("edge-cc-auth/token-cache/v1");
const KV_MIN_TTL_SECONDS = 60;
/**
 * The longest value a sealed record can be, 11,307 characters: the token record's
 * JSON (a bearer token, ASCII, of at most MAX_ACCESS_TOKEN_BYTES, and under 256
 * characters of field names and two timestamps; a back-off record is far shorter),
 * the 16-byte AES-GCM tag, in base64url, after `v1.` and the 16-character iv and a
 * dot. Anything longer was not written by this store: it is refused before it is
 * decoded (a 24 MiB value would cost every cold isolate a decode and an AES-GCM pass
 * over it) and deleted, as it would otherwise stay (a back-off key has no token
 * write to replace it).
 */
const MAX_SEALED_VALUE_LENGTH = VALUE_VERSION.length + 1 + 16 + 1 + Math.ceil(((MAX_ACCESS_TOKEN_BYTES + 256 + 16) * 4) / 3);

/**
 * The KV key for one (token endpoint, client, scopes, resources) and one generation of
 * the client secret: a hash, then a tag of the secret (secretTag), never the secret. No
 * resource adds nothing to the hash, so that keys without resources stay as they were.
 */
export async function tokenStoreKey(
  tokenEndpoint: string,
  clientId: string,
  scopes: readonly string[],
  clientSecret: string,
  resources: readonly string[] = [],
): Promise<string> {
  const resourcePart = resources.length > 0 ? `\n${[...resources].sort().join(" ")}` : "";
  const text = `${tokenEndpoint}\n${clientId}\n${[...scopes].sort().join(" ")}${resourcePart}`;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return `${TOKEN_PREFIX}${Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("")}.${await secretTag(clientSecret)}`;
}

/**
 * HMAC-SHA-256(secret, "edge-cc-auth/kv-key"), its first 8 bytes in base64url: each
 * generation of the client secret finds its own record, so that old and new isolates
 * side by side during a rotation cost one token each, instead of overwriting each
 * other's record (which the other cannot open) on every cold start. It tells a reader
 * of the keys nothing the sealed values do not already let it test (SECURITY.md).
 */
async function secretTag(clientSecret: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(clientSecret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode("edge-cc-auth/kv-key"));
  return encodeBase64url(new Uint8Array(mac, 0, 8));
}

/** The seconds a record lives in KV: until `untilMs`, never below KV's minimum. */
function ttlSeconds(untilMs: number, nowMs: number): number {
  return Math.max(KV_MIN_TTL_SECONDS, Math.ceil((untilMs - nowMs) / 1000));
}

/** Base64url without padding (RFC 4648 section 5): the form jwt/base64url.ts's strict decoder reads back. */
function encodeBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** A token as stored, or null when the value is not one. */
function parseIssuedToken(value: unknown): IssuedToken | null {
  if (typeof value !== "object" || value === null) return null;
  const { accessToken, obtainedAt, expiresAt } = value as Record<string, unknown>;
  if (typeof accessToken !== "string" || accessToken === "") return null;
  if (typeof obtainedAt !== "number" || !Number.isFinite(obtainedAt) || typeof expiresAt !== "number" || !Number.isFinite(expiresAt)) {
    return null;
  }
  return { accessToken, obtainedAt, expiresAt };
}

/** Reads a back-off record (layout: token-backoff.ts) strictly: anything unexpected is as good as absent. */
export function parseBackOffRecord(value: unknown): BackOffRecord | null {
  if (typeof value !== "object" || value === null) return null;
  const { kind, code, step, until, status, oauthError } = value as Record<string, unknown>;
  if (kind !== "token_endpoint" && kind !== "refused") return null;
  if (!isFailureFields({ code, status, oauthError })) return null;
  if (typeof step !== "number" || !Number.isInteger(step) || step < 1 || step > 1_000) return null;
  if (typeof until !== "number" || !Number.isFinite(until)) return null;
  return {
    kind,
    code: code as TokenRequestFailureCode,
    step,
    until,
    status: status as number | undefined,
    oauthError: oauthError as string | undefined,
  };
}

export interface SealedStoreOptions {
  kv: KeyValueStore;
  clientSecret: string;
  /** The token's key (tokenStoreKey); the back-off's is derived from it. */
  tokenKey: Promise<string>;
  /** Give up on one call after this long. */
  timeoutMs: number;
  logger: Logger;
}

export class SealedStore {
  private readonly kv: KeyValueStore;
  private readonly tokenKey: Promise<string>;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly material: Promise<CryptoKey>;
  private readonly keys = new Map<string, Promise<CryptoKey>>();

  constructor(options: SealedStoreOptions) {
    this.kv = options.kv;
    this.tokenKey = options.tokenKey;
    this.timeoutMs = options.timeoutMs;
    this.logger = options.logger;
    this.material = crypto.subtle.importKey("raw", new TextEncoder().encode(options.clientSecret), "HKDF", false, ["deriveKey"]);
  }

  /**
   * The token and the back-off record, each null when absent, unreadable or (the
   * record) ending beyond `maxMs` from now (then deleted).
   */
  async read(nowMs: number, maxMs: number): Promise<{ token: IssuedToken | null; backOff: BackOffRecord | null }> {
    const [token, record] = await Promise.all([
      this.call((key) => this.get(key), "KV read"),
      this.call((key) => this.get(backOffKey(key)), "KV read"),
    ]);
    const backOff = parseBackOffRecord(record);
    if (backOff && backOff.until > nowMs + maxMs) {
      this.logger("warn", "token_backoff_refused", {
        reason: "a back-off record ends beyond the cap (backOff.maxDelayMs): deleted, not honoured",
        step: backOff.step,
        code: backOff.code,
      });
      await this.deleteBackOff();
      return { token: parseIssuedToken(token), backOff: null };
    }
    return { token: parseIssuedToken(token), backOff };
  }

  async writeToken(token: IssuedToken, nowMs: number): Promise<void> {
    await this.call((key) => this.put(key, token, ttlSeconds(token.expiresAt, nowMs)), "KV write");
  }

  async deleteToken(): Promise<void> {
    await this.call((key) => this.kv.delete(key), "KV delete");
  }

  async writeBackOff(record: BackOffRecord, nowMs: number): Promise<void> {
    await this.call((key) => this.put(backOffKey(key), record, ttlSeconds(record.until, nowMs)), "KV write");
  }

  async deleteBackOff(): Promise<void> {
    await this.call((key) => this.kv.delete(backOffKey(key)), "KV delete");
  }

  /** The value under `key`, or null when there is none or it does not open with this secret. */
  async get(key: string): Promise<unknown> {
    const value = await this.kv.get(key);
    if (value === null) return null;
    if (value.length > MAX_SEALED_VALUE_LENGTH) {
      this.logger("warn", "token_cache_value_refused", {
        reason: "a value longer than any sealed record: deleted unread",
        length: value.length,
        maxLength: MAX_SEALED_VALUE_LENGTH,
      });
      await this.kv.delete(key);
      return null;
    }
    const [version, iv, ciphertext, extra] = value.split(".");
    const ivBytes = iv === undefined ? undefined : decodeBase64url(iv);
    const sealed = ciphertext === undefined ? undefined : decodeBase64url(ciphertext);
    if (version !== VALUE_VERSION || extra !== undefined || ivBytes?.length !== 12 || !sealed) return null;
    try {
      const plaintext = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: ivBytes, additionalData: new TextEncoder().encode(key) },
        await this.cipherKey(key),
        sealed,
      );
      return JSON.parse(new TextDecoder().decode(plaintext)) as unknown;
    } catch {
      return null; // another secret (rotated) or a forged or tampered value: as good as absent
    }
  }

  /** Seals `value` under `key`. */
  async put(key: string, value: unknown, expirationTtl: number): Promise<void> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ciphertext = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(key) },
      await this.cipherKey(key),
      new TextEncoder().encode(JSON.stringify(value)),
    );
    await this.kv.put(key, `${VALUE_VERSION}.${encodeBase64url(iv)}.${encodeBase64url(new Uint8Array(ciphertext))}`, { expirationTtl });
  }

  private cipherKey(storeKey: string): Promise<CryptoKey> {
    let key = this.keys.get(storeKey);
    if (!key) {
      key = this.material.then((material) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: HKDF_SALT, info: new TextEncoder().encode(storeKey) },
          material,
          { name: "AES-GCM", length: 256 },
          false,
          ["encrypt", "decrypt"],
        ),
      );
      this.keys.set(storeKey, key);
    }
    return key;
  }

  /** Runs an operation on the token's key, within the timeout; a failure or a timeout is logged and gives undefined. */
  private async call<T>(operation: (tokenKey: string) => Promise<T>, what: string): Promise<T | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([this.tokenKey.then(operation), timeout]);
    } catch (error) {
      this.logger("warn", "token_cache_kv_failed", { operation: what, reason: error instanceof Error ? error.message : String(error) });
      return undefined;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }
}

/** The key of the back-off record beside the token stored under `tokenKey`. */
export function backOffKey(tokenKey: string): string {
  return `${BACKOFF_PREFIX}${tokenKey.slice(tokenKey.lastIndexOf("/") + 1)}`;
}
