/**
 * Where the token cache keeps its records: Workers KV (or Durable Object storage for
 * the coordinator), under keys that name no secret, with values that only a holder
 * of the client secret can read or write.
 *
 * Storage layout (the `TOKEN_CACHE` namespace):
 *   key    `cc-token/v1/<hex SHA-256 of "<token endpoint>\n<client id>\n<sorted scopes>">`
 *   value  the token, sealed (below): `{"accessToken","obtainedAt","expiresAt"}`
 *          (milliseconds since the epoch).
 *   TTL    `expirationTtl` = seconds until the token expires, never below KV's 60 s.
 *   key    `cc-backoff/v2/<the same hash>`
 *   value  the back-off after a failure, sealed (layout of the JSON in token-backoff.ts).
 *   TTL    seconds until the back-off ends, never below KV's 60 s.
 * Sealed: `v1.<iv>.<ciphertext>` (base64url), AES-256-GCM of the JSON with the KV key
 * as additional data (a value cannot be moved to another key), under a key derived
 * with HKDF-SHA-256 from the client secret (salt `edge-cc-auth/token-cache/v1`,
 * info = the KV key). Someone who can read the namespace gets no usable token; someone
 * who can write it cannot forge a token or a back-off (a value that does not open is
 * as good as absent); rotating the client secret makes every value unreadable, and
 * the next reader fetches a new token. `cc-backoff/v1/` (plain JSON, before 0.4.0)
 * is no longer read.
 * @module
 */
import { decodeBase64url } from "../jwt/base64url.ts";
import type { KeyValueStore } from "../key-value-store.ts";
import { encodeBase64url } from "./base64url-encode.ts";
import type { IssuedToken } from "./request-token.ts";

const TOKEN_PREFIX = "cc-token/v1/";
const VALUE_VERSION = "v1";
const HKDF_SALT = new TextEncoder().encode("edge-cc-auth/token-cache/v1");
const KV_MIN_TTL_SECONDS = 60;

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The KV key for one (token endpoint, client, scopes): a hash, never the secret. */
export async function tokenStoreKey(tokenEndpoint: string, clientId: string, scopes: readonly string[]): Promise<string> {
  return `${TOKEN_PREFIX}${await sha256Hex(`${tokenEndpoint}\n${clientId}\n${[...scopes].sort().join(" ")}`)}`;
}

/** The seconds a record lives in KV: until `untilMs`, never below KV's minimum. */
export function ttlSeconds(untilMs: number, nowMs: number): number {
  return Math.max(KV_MIN_TTL_SECONDS, Math.ceil((untilMs - nowMs) / 1000));
}

/** A token as stored, or null when the value is not one. */
export function parseIssuedToken(value: unknown): IssuedToken | null {
  const token = value as Partial<IssuedToken> | null;
  const valid =
    typeof token?.accessToken === "string" &&
    token.accessToken !== "" &&
    Number.isFinite(token.obtainedAt) &&
    Number.isFinite(token.expiresAt);
  return valid ? { accessToken: token.accessToken!, obtainedAt: token.obtainedAt!, expiresAt: token.expiresAt! } : null;
}

/** JSON values sealed under the client secret, each bound to its key. */
export class SealedStore {
  private readonly material: Promise<CryptoKey>;
  private readonly keys = new Map<string, Promise<CryptoKey>>();

  constructor(
    private readonly kv: KeyValueStore,
    clientSecret: string,
  ) {
    this.material = crypto.subtle.importKey("raw", new TextEncoder().encode(clientSecret), "HKDF", false, ["deriveKey"]);
  }

  /** The value under `key`, or null when there is none or it does not open with this secret. */
  async get(key: string): Promise<unknown> {
    const value = await this.kv.get(key);
    if (value === null) return null;
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

  async put(key: string, value: unknown, expirationTtl: number): Promise<void> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ciphertext = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(key) },
      await this.cipherKey(key),
      new TextEncoder().encode(JSON.stringify(value)),
    );
    await this.kv.put(key, `${VALUE_VERSION}.${encodeBase64url(iv)}.${encodeBase64url(new Uint8Array(ciphertext))}`, { expirationTtl });
  }

  async delete(key: string): Promise<void> {
    await this.kv.delete(key);
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
}

/** The token alone, sealed under its key: what the coordinator keeps in its storage. */
export class EncryptedTokenStore {
  private readonly sealed: SealedStore;

  constructor(
    kv: KeyValueStore,
    readonly storeKey: string,
    clientSecret: string,
  ) {
    this.sealed = new SealedStore(kv, clientSecret);
  }

  /** The stored token, or null when there is none or it cannot be opened with this secret. */
  async read(): Promise<IssuedToken | null> {
    return parseIssuedToken(await this.sealed.get(this.storeKey));
  }

  async write(token: IssuedToken, nowMs: number): Promise<void> {
    await this.sealed.put(this.storeKey, token, ttlSeconds(token.expiresAt, nowMs));
  }

  async delete(): Promise<void> {
    await this.sealed.delete(this.storeKey);
  }
}
