/**
 * Where a client-credentials token is shared between isolates: Workers KV, under a
 * key that names no secret and with a value that is useless without the secret.
 *
 * Storage layout (the `TOKEN_CACHE` namespace):
 *   key    `cc-token/v1/<hex SHA-256 of "<token endpoint>\n<client id>\n<sorted scopes>">`
 *   value  `v1.<iv>.<ciphertext>` (base64url), AES-256-GCM of the JSON
 *          `{"accessToken","obtainedAt","expiresAt"}` (milliseconds since the epoch),
 *          with the KV key as additional data, so a value cannot be moved to another key.
 *   key for the cipher: HKDF-SHA-256 of the client secret (salt
 *          `edge-cc-auth/token-cache/v1`, info = the KV key).
 *   TTL    `expirationTtl` = seconds until the token expires, never below KV's 60 s.
 * Beside it, `cc-backoff/v1/<the same hash>` holds the back-off after a failure, in
 * plain JSON with no token and no secret (layout in token-backoff.ts).
 * Someone who can read the namespace gets no usable token, and rotating the client
 * secret makes the cached value unreadable: the next reader fetches a new token.
 * @module
 */
import { base64url } from "jose";
import type { KeyValueStore } from "../key-value-store.ts";
import type { IssuedToken } from "./request-token.ts";

const KEY_PREFIX = "cc-token/v1/";
const VALUE_VERSION = "v1";
const HKDF_SALT = new TextEncoder().encode("edge-cc-auth/token-cache/v1");
export const KV_MIN_TTL_SECONDS = 60;

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The KV key for one (token endpoint, client, scopes): a hash, never the secret. */
export async function tokenStoreKey(tokenEndpoint: string, clientId: string, scopes: readonly string[]): Promise<string> {
  return `${KEY_PREFIX}${await sha256Hex(`${tokenEndpoint}\n${clientId}\n${[...scopes].sort().join(" ")}`)}`;
}

async function deriveKey(secret: string, storeKey: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: HKDF_SALT, info: new TextEncoder().encode(storeKey) },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export class EncryptedTokenStore {
  private readonly cipherKey: Promise<CryptoKey>;

  constructor(
    private readonly kv: KeyValueStore,
    readonly storeKey: string,
    clientSecret: string,
  ) {
    this.cipherKey = deriveKey(clientSecret, storeKey);
  }

  /** The stored token, or null when there is none or it cannot be decrypted with this secret. */
  async read(): Promise<IssuedToken | null> {
    const value = await this.kv.get(this.storeKey);
    if (value === null) return null;
    const [version, iv, ciphertext] = value.split(".");
    if (version !== VALUE_VERSION || !iv || !ciphertext) return null;
    try {
      const plaintext = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: base64url.decode(iv) as Uint8Array<ArrayBuffer>, additionalData: new TextEncoder().encode(this.storeKey) },
        await this.cipherKey,
        base64url.decode(ciphertext) as Uint8Array<ArrayBuffer>,
      );
      const token = JSON.parse(new TextDecoder().decode(plaintext)) as IssuedToken;
      const valid = typeof token.accessToken === "string" && Number.isFinite(token.obtainedAt) && Number.isFinite(token.expiresAt);
      return valid ? token : null;
    } catch {
      return null; // another secret (rotated) or a tampered value: as good as absent
    }
  }

  async write(token: IssuedToken, nowMs: number): Promise<void> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ciphertext = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(this.storeKey) },
      await this.cipherKey,
      new TextEncoder().encode(JSON.stringify(token)),
    );
    const value = `${VALUE_VERSION}.${base64url.encode(iv)}.${base64url.encode(new Uint8Array(ciphertext))}`;
    const expirationTtl = Math.max(KV_MIN_TTL_SECONDS, Math.ceil((token.expiresAt - nowMs) / 1000));
    await this.kv.put(this.storeKey, value, { expirationTtl });
  }

  async delete(): Promise<void> {
    await this.kv.delete(this.storeKey);
  }
}
