/**
 * What identifies a published key beyond its `kid`, so that a refresh can tell a
 * key that stayed from one whose material changed under the same kid: the RFC 7638
 * thumbprint of the key material, plus the members that decide what the key may be
 * used for (`alg`, `use`, `key_ops`), which the thumbprint leaves out.
 * @module
 */
import { calculateJwkThumbprint, type JWK } from "jose";
import type { KeyedJwk } from "./remote-jwks.ts";

/**
 * A string equal for two JWKs exactly when they are the same key for the same uses.
 * A key whose thumbprint cannot be computed (members missing) is identified by its
 * whole JSON: any change to it then counts as a change.
 * @example
 * if ((await keyFingerprint(before)) !== (await keyFingerprint(after))) forget(before.kid);
 */
export async function keyFingerprint(jwk: KeyedJwk): Promise<string> {
  const uses = JSON.stringify([jwk.alg ?? null, jwk.use ?? null, jwk.key_ops ?? null]);
  try {
    return `${await calculateJwkThumbprint(jwk as JWK, "sha256")}|${uses}`;
  } catch {
    return `raw|${JSON.stringify(jwk)}`;
  }
}
