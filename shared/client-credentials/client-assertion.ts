/**
 * `private_key_jwt`: the client proves who it is with a JWT it signs with its own
 * private key instead of a shared secret (RFC 7523 section 2.2 and 3, RFC 7521
 * section 4.2, OpenID Connect Core 1.0 section 9). The key is a private JWK the Worker
 * holds (a secret binding); the authorization server has the public half.
 *
 * Each token request gets a fresh assertion: iss = sub = the client id, aud = the token
 * endpoint URL, a random `jti` (servers refuse a replayed one), `iat` now and `exp`
 * 60 s later (a stolen assertion is good for a minute at most). WebCrypto only; the key
 * is imported once per signer (once per cache or coordinator).
 * @module
 */
import { ConfigError } from "../errors.ts";

/** The `client_assertion_type` of a JWT assertion (RFC 7523 section 2.2). */
export const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const ASSERTION_LIFETIME_SECONDS = 60;

type AssertionAlgorithm = "RS256" | "PS256" | "ES256";

const IMPORT: Record<AssertionAlgorithm, { name: string; hash?: string; namedCurve?: string }> = {
  RS256: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  PS256: { name: "RSA-PSS", hash: "SHA-256" },
  ES256: { name: "ECDSA", namedCurve: "P-256" },
};
const SIGN: Record<AssertionAlgorithm, { name: string; hash?: string; saltLength?: number }> = {
  RS256: { name: "RSASSA-PKCS1-v1_5" },
  // RFC 7518 section 3.5: the salt is as long as the hash.
  PS256: { name: "RSA-PSS", saltLength: 32 },
  // WebCrypto's ECDSA signature is r || s, the form JWS wants (RFC 7518 section 3.4).
  ES256: { name: "ECDSA", hash: "SHA-256" },
};

/**
 * The signing algorithm of a private JWK: its `alg` when it has one (RS256, PS256 or
 * ES256, matching its `kty`), else RS256 for an RSA key and ES256 for a P-256 key.
 * @throws {ConfigError} naming `privateKey` for a key that is not a private RSA or P-256 JWK
 */
export function assertionAlgorithm(jwk: unknown): AssertionAlgorithm {
  const bad = (why: string) => new ConfigError(`privateKey ${why}`, "privateKey");
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk))
    throw bad("must be a private JWK (an object, JSON.parse of the secret)");
  const { kty, crv, alg, d, use } = jwk as Record<string, unknown>;
  if (typeof d !== "string" || d === "") throw bad("must be a private key (a JWK with d), not a public one");
  if (use !== undefined && use !== "sig") throw bad("must be a signing key (use: sig)");
  const ec = kty === "EC" && crv === "P-256";
  if (kty !== "RSA" && !ec) throw bad("must be an RSA key or an EC key on P-256");
  const chosen = alg ?? (ec ? "ES256" : "RS256");
  if (ec ? chosen !== "ES256" : chosen !== "RS256" && chosen !== "PS256") {
    throw bad(`alg must be ${ec ? "ES256 for a P-256 key" : "RS256 or PS256 for an RSA key"}`);
  }
  return chosen as AssertionAlgorithm;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

const encodeJson = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));

/** Signs client assertions with one private JWK (checked with assertionAlgorithm first). */
export class ClientAssertionSigner {
  private readonly alg: AssertionAlgorithm;
  private readonly kid: string | undefined;
  private readonly key: Promise<CryptoKey>;

  constructor(jwk: JsonWebKey & { kid?: string }) {
    this.alg = assertionAlgorithm(jwk);
    this.kid = typeof jwk.kid === "string" ? jwk.kid : undefined;
    // Only the members WebCrypto reads: `alg`/`key_ops` of another use would fail the import.
    const { kty, crv, x, y, n, e, d, p, q, dp, dq, qi } = jwk;
    this.key = crypto.subtle.importKey("jwk", { kty, crv, x, y, n, e, d, p, q, dp, dq, qi }, IMPORT[this.alg], false, ["sign"]);
    // A key WebCrypto cannot import (numbers that do not make a key) fails the first
    // token request, as a ConfigError; it is not an unhandled rejection meanwhile.
    this.key.catch(() => undefined);
  }

  /**
   * A fresh assertion for one token request to `tokenEndpoint`.
   * @throws {ConfigError} naming `privateKey` when WebCrypto cannot import the key
   */
  async sign(clientId: string, tokenEndpoint: string, nowMs: number): Promise<string> {
    let key: CryptoKey;
    try {
      key = await this.key;
    } catch {
      throw new ConfigError("privateKey could not be imported: its members do not make a key of its kty", "privateKey");
    }
    const iat = Math.floor(nowMs / 1000);
    const header = this.kid === undefined ? { alg: this.alg, typ: "JWT" } : { alg: this.alg, typ: "JWT", kid: this.kid };
    const claims = {
      iss: clientId,
      sub: clientId,
      aud: tokenEndpoint,
      jti: crypto.randomUUID(),
      iat,
      exp: iat + ASSERTION_LIFETIME_SECONDS,
    };
    const input = `${encodeJson(header)}.${encodeJson(claims)}`;
    const signature = await crypto.subtle.sign(SIGN[this.alg], key, new TextEncoder().encode(input));
    return `${input}.${base64url(new Uint8Array(signature))}`;
  }
}
