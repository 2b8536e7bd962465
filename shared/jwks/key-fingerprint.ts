/**
 * What identifies a published key beyond its `kid`, so that a refresh can tell a
 * key that stayed from one whose material changed under the same kid: the members
 * that RFC 7638 (JWK thumbprint) says define the key, plus the members that decide
 * what the key may be used for (`alg`, `use`, `key_ops`), which a thumbprint leaves
 * out. The members are compared as they are, not hashed: a thumbprint is a name to
 * publish, and here the string never leaves the isolate (hashing it would add jose's
 * code to consumers' bundles and an await per key).
 * @module
 */
/** A usable key from the set: a JWK with a `kid`. */
export type KeyedJwk = JsonWebKey & { kid: string };

/** RFC 7638, section 3.2: the required members of each key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ["e", "kty", "n"],
  EC: ["crv", "kty", "x", "y"],
  OKP: ["crv", "kty", "x"],
  oct: ["k", "kty"],
};

/**
 * A string equal for two JWKs exactly when they are the same key for the same uses.
 * A key of an unknown type, or missing a member, is identified by its whole JSON:
 * any change to it then counts as a change.
 * @example
 * if (keyFingerprint(before) !== keyFingerprint(after)) forget(before.kid);
 */
export function keyFingerprint(jwk: KeyedJwk): string {
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)];
  const record = jwk as unknown as Record<string, unknown>;
  if (!members || members.some((name) => typeof record[name] !== "string")) return `raw|${JSON.stringify(jwk)}`;
  return JSON.stringify([members.map((name) => record[name]), jwk.alg ?? null, jwk.use ?? null, jwk.key_ops ?? null]);
}
