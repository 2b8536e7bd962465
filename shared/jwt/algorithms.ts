/**
 * The JWS algorithms the verifier can check, with their WebCrypto parameters.
 * `none` and the HMAC family are absent on purpose: a verifier whose keys come
 * from a public JWKS must never accept a token "signed" with public material.
 * @module
 */

export type JwsAlgorithm = "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" | "ES256" | "ES384";

// WebCrypto's parameter dictionaries, written out: the library compiles against the
// standard DOM types and against the Workers types, which name them differently.
interface AlgorithmParameters {
  kty: "RSA" | "EC";
  importParams: { name: string; hash?: string; namedCurve?: string };
  verifyParams: string | { name: string; hash?: string; saltLength?: number };
}

const rsa = (bits: number): AlgorithmParameters => ({
  kty: "RSA",
  importParams: { name: "RSASSA-PKCS1-v1_5", hash: `SHA-${bits}` },
  verifyParams: "RSASSA-PKCS1-v1_5",
});
const pss = (bits: number): AlgorithmParameters => ({
  kty: "RSA",
  importParams: { name: "RSA-PSS", hash: `SHA-${bits}` },
  verifyParams: { name: "RSA-PSS", saltLength: bits / 8 },
});
const ec = (curve: string, bits: number): AlgorithmParameters => ({
  kty: "EC",
  importParams: { name: "ECDSA", namedCurve: curve },
  verifyParams: { name: "ECDSA", hash: `SHA-${bits}` },
});

const ALGORITHMS: Record<JwsAlgorithm, AlgorithmParameters> = {
  RS256: rsa(256),
  RS384: rsa(384),
  RS512: rsa(512),
  PS256: pss(256),
  PS384: pss(384),
  PS512: pss(512),
  ES256: ec("P-256", 256),
  ES384: ec("P-384", 384),
};

export function isSupportedAlgorithm(alg: unknown): alg is JwsAlgorithm {
  return typeof alg === "string" && Object.hasOwn(ALGORITHMS, alg);
}

export function algorithmParameters(alg: JwsAlgorithm): AlgorithmParameters {
  return ALGORITHMS[alg];
}
