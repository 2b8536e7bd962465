/**
 * The pool's RSA signing keys, kept in KV so that a restart of cognito-local does
 * not invalidate the tokens that MyBFF has cached or MyService has seen.
 *
 * Storage layout (KV namespace `COGNITO_STATE`):
 *   key   `signing-keys/v1`
 *   value JSON {@link StoredKeySet}: every access-token key ever made that is still
 *         published, oldest first (the newest key that is not retired signs), and
 *         the ID-token key.
 * Cognito "generates two pairs of RSA cryptographic keys for each user pool. One
 * private key signs access tokens, and the other signs ID tokens"
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html),
 * so its JWKS has two keys. cognito-local issues no ID tokens, but publishes an
 * ID-token key all the same, after the access-token keys: a verifier must pick the
 * key by `kid`, never take the first or only one. Rotation concerns the access-token
 * key; the ID-token key stays.
 * A retired key stays in the JWKS for `retiredKeyGraceSeconds` (the longest
 * access-token lifetime of the pool), so tokens it signed keep verifying, as
 * when Cognito rotates. Rotation with `dropPrevious` removes the old keys at once,
 * which is how a test makes MyService meet a token whose key has vanished.
 *
 * cognito-local runs as a single isolate (wrangler dev and Miniflare start one per
 * worker), so the in-memory copy below is the only writer of this KV entry.
 * @module
 */
import { calculateJwkThumbprint } from "jose";

interface StoredKey {
  kid: string;
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
  createdAt: number;
  retiredAt: number | null;
}

interface StoredKeySet {
  version: 1;
  keys: StoredKey[];
  /** Published, never used to sign (absent in state written before it existed). */
  idTokenKey?: StoredKey;
}

/** A published public key, as in Cognito's `jwks.json`. */
export interface PublicJwk {
  kid: string;
  alg: "RS256";
  kty: "RSA";
  use: "sig";
  e: string;
  n: string;
}

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

const STORAGE_KEY = "signing-keys/v1";
const RSA_ALGORITHM: SubtleCryptoGenerateKeyAlgorithm = {
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: "SHA-256",
};

async function generateKey(now: number): Promise<StoredKey> {
  const pair = (await crypto.subtle.generateKey(RSA_ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
  const privateJwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const publicJwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  // The RFC 7638 thumbprint is unique to the key, as a Cognito kid is.
  const kid = await calculateJwkThumbprint({ kty: "RSA", e: publicJwk.e!, n: publicJwk.n! });
  return { kid, privateJwk, publicJwk, createdAt: now, retiredAt: null };
}

export class SigningKeys {
  private state: Promise<StoredKeySet> | null = null;
  private readonly imported = new Map<string, Promise<CryptoKey>>();
  // Rotations and first generation run one after another, never interleaved.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly kv: KVNamespace,
    private readonly retiredKeyGraceSeconds: number,
  ) {}

  private load(now: number): Promise<StoredKeySet> {
    this.state ??= this.serialized(async () => {
      const stored = await this.kv.get<StoredKeySet>(STORAGE_KEY, "json");
      if (stored?.version === 1 && stored.keys.some((key) => key.retiredAt === null) && stored.idTokenKey) return stored;
      const keys = stored?.version === 1 && stored.keys.some((key) => key.retiredAt === null) ? stored.keys : [await generateKey(now)];
      const fresh: StoredKeySet = { version: 1, keys, idTokenKey: stored?.idTokenKey ?? (await generateKey(now)) };
      await this.kv.put(STORAGE_KEY, JSON.stringify(fresh));
      return fresh;
    });
    this.state.catch(() => (this.state = null));
    return this.state;
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The key that signs new tokens. */
  async activeKey(now: number): Promise<SigningKey> {
    const { keys } = await this.load(now);
    const active = keys.filter((key) => key.retiredAt === null).at(-1)!;
    let privateKey = this.imported.get(active.kid);
    if (!privateKey) {
      privateKey = crypto.subtle.importKey("jwk", active.privateJwk, RSA_ALGORITHM, false, ["sign"]);
      this.imported.set(active.kid, privateKey);
    }
    return { kid: active.kid, privateKey: await privateKey };
  }

  /** The public keys a verifier should know now: the active access-token key, those still in their grace period, and the ID-token key. */
  async publishedKeys(now: number): Promise<PublicJwk[]> {
    const { keys, idTokenKey } = await this.load(now);
    return [...keys.filter((key) => key.retiredAt === null || key.retiredAt + this.retiredKeyGraceSeconds > now), idTokenKey!].map(
      (key) => ({ kid: key.kid, alg: "RS256", kty: "RSA", use: "sig", e: key.publicJwk.e!, n: key.publicJwk.n! }),
    );
  }

  /**
   * Makes a new key the signing key. The previous keys stay published for the grace
   * period, or are removed at once with `dropPrevious`.
   */
  async rotate(now: number, options: { dropPrevious: boolean }): Promise<{ kid: string; published: string[] }> {
    await this.load(now);
    const next = await this.serialized(async () => {
      // Read inside the queue, so that a rotation sees the one before it.
      const current = await this.state!;
      const fresh = await generateKey(now);
      const kept = options.dropPrevious
        ? []
        : current.keys
            .map((key) => ({ ...key, retiredAt: key.retiredAt ?? now }))
            .filter((key) => key.retiredAt + this.retiredKeyGraceSeconds > now);
      const updated: StoredKeySet = { version: 1, keys: [...kept, fresh], idTokenKey: current.idTokenKey };
      await this.kv.put(STORAGE_KEY, JSON.stringify(updated));
      this.state = Promise.resolve(updated);
      return updated;
    });
    const published = await this.publishedKeys(now);
    return { kid: next.keys.at(-1)!.kid, published: published.map((key) => key.kid) };
  }
}
