/**
 * The keys of one issuer, as the verifier uses them: its JWKS, and the keys it has
 * imported from it, by `alg:kid`. Each issuer has its own, so a key published by
 * issuer B is never found when a token claims issuer A, even under the same kid.
 * @module
 */
import { TokenRejectedError } from "../errors.ts";
import { type KeyedJwk, RemoteJwks, type RemoteJwksOptions } from "../jwks/remote-jwks.ts";
import { algorithmParameters, type JwsAlgorithm } from "./algorithms.ts";
import { MIN_RSA_MODULUS_BITS, rsaModulusBits } from "./rsa-modulus.ts";

/** The key must be meant for this algorithm and for signatures, whatever the token claims. */
function checkKeyFitsAlgorithm(jwk: KeyedJwk, alg: JwsAlgorithm): void {
  const kty = algorithmParameters(alg).kty;
  const fits =
    jwk.kty === kty &&
    (kty !== "RSA" || rsaModulusBits(jwk.n) >= MIN_RSA_MODULUS_BITS) &&
    (jwk.alg === undefined || jwk.alg === alg) &&
    (jwk.use === undefined || jwk.use === "sig") &&
    (jwk.key_ops === undefined || jwk.key_ops.includes("verify"));
  if (!fits) throw new TokenRejectedError("KEY_MISMATCH", "the key named by kid is not a key for this algorithm");
}

/**
 * The public members of a JWK and nothing else, for `crypto.subtle.importKey`:
 * `alg`, `use` and `key_ops` were checked above, and a private member published by
 * mistake (`d`) must not turn the import into a private key's.
 */
function publicJwk(jwk: KeyedJwk): JsonWebKey {
  return jwk.kty === "EC"
    ? { kty: "EC", crv: jwk.crv as string, x: jwk.x as string, y: jwk.y as string }
    : { kty: "RSA", n: jwk.n as string, e: jwk.e as string };
}

/**
 * Imports a checked JWK as a verification key with WebCrypto itself. Why not jose's
 * `importJWK`: it does the same call after checks this file already made, and it
 * would bring much of jose into every consumer's bundle (see bench: "What a consumer pays").
 */
function importVerificationKey(jwk: KeyedJwk, alg: JwsAlgorithm): Promise<CryptoKey> {
  const params = algorithmParameters(alg).importParams as Parameters<SubtleCrypto["importKey"]>[2];
  return crypto.subtle.importKey("jwk", publicJwk(jwk), params, false, ["verify"]);
}

export class IssuerKeys {
  readonly jwks: RemoteJwks;
  private readonly importedKeys = new Map<string, Promise<CryptoKey>>();
  /** Keys already imported and checked, by `alg:kid`: the hot path takes them without awaiting. */
  private readonly readyKeys = new Map<string, CryptoKey>();

  /**
   * @param onKeysDropped told of kids that left the set or changed, after their keys are forgotten here
   * @throws {ConfigError} when a JWKS option is invalid
   */
  constructor(
    readonly issuer: string,
    options: RemoteJwksOptions,
    onKeysDropped: (issuer: string, kids: readonly string[]) => void,
  ) {
    this.jwks = new RemoteJwks(options);
    this.jwks.onKeysRemoved((kids) => {
      for (const cache of [this.importedKeys, this.readyKeys]) {
        for (const cacheKey of cache.keys()) {
          if (kids.includes(cacheKey.slice(cacheKey.indexOf(":") + 1))) cache.delete(cacheKey);
        }
      }
      onKeysDropped(issuer, kids);
    });
  }

  /**
   * The imported key for this alg and kid, if one is ready (no fetch, no await): the
   * issuer's current key for the kid, checked for the algorithm. A key that left the
   * set, or whose kid now names other material, is no longer returned.
   */
  ready(alg: JwsAlgorithm, kid: string): CryptoKey | undefined {
    return this.readyKeys.get(`${alg}:${kid}`);
  }

  /**
   * The key for this kid and alg, fetched and imported if need be.
   * @throws {TokenRejectedError} KID_UNKNOWN or KEY_MISMATCH
   * @throws {JwksUnavailableError} when no key set could be fetched at all
   */
  async keyFor(kid: string, alg: JwsAlgorithm, waitUntil?: (promise: Promise<unknown>) => void): Promise<CryptoKey> {
    const jwk = await this.jwks.getKey(kid, waitUntil);
    if (jwk === undefined) throw new TokenRejectedError("KID_UNKNOWN", "the token's kid is not in the issuer's key set");
    checkKeyFitsAlgorithm(jwk, alg);
    const cacheKey = `${alg}:${kid}`;
    let imported = this.importedKeys.get(cacheKey);
    if (imported === undefined) {
      imported = importVerificationKey(jwk, alg);
      this.importedKeys.set(cacheKey, imported);
      imported.catch(() => this.importedKeys.delete(cacheKey));
    }
    try {
      const key = await imported;
      // A refresh may have replaced this kid's key meanwhile: then the key is not kept.
      if (this.jwks.peekKey(kid) === jwk) this.readyKeys.set(cacheKey, key);
      return key;
    } catch (cause) {
      throw new TokenRejectedError("KEY_MISMATCH", "the key named by kid cannot be imported", { cause });
    }
  }
}
