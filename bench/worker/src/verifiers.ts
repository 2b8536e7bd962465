/**
 * The verifiers compared, each set up as its users would, on the same keys and the
 * same Cognito-shaped RS256 tokens, with keys already in memory.
 * @module
 */
import { JwtVerifier as AwsJwtVerifier } from "aws-jwt-verify";
import { CognitoAccessTokenVerifier } from "edge-cc-auth";
import { Jwt } from "hono/utils/jwt";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";

export type Implementation = "ours" | "aws-jwt-verify" | "hono" | "jose" | "floor";

export interface Fixture {
  issuer: string;
  clientId: string;
  jwks: JSONWebKeySet;
  publicKey: CryptoKey;
}

export type Verify = (token: string) => Promise<unknown>;

/**
 * What the middleware does with a token it may have verified already: a synchronous
 * cache lookup first (no promise, no await), then the full verification on a miss.
 */
export type VerifyCached = (token: string) => unknown;

const b64 = (segment: string) => Uint8Array.from(atob(segment.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

/** The bytes the floor verifies, decoded ahead of time: the floor is the signature check alone. */
export function signedBytes(token: string): { data: Uint8Array; signature: Uint8Array } {
  const dot = token.lastIndexOf(".");
  return { data: new TextEncoder().encode(token.slice(0, dot)), signature: b64(token.slice(dot + 1)) };
}

/**
 * The CryptoKey this project's verifier imported for alg and kid, read from its internals
 * (the package exports no way to get it). The floor verifies with this very key: two
 * imports of one key can verify at measurably different speeds in one workerd process
 * (where the key's structures land in memory), and with a key of its own the floor's
 * luck, not the verifier's work, would set part of each run's ratio.
 */
function importedKey(verifier: CognitoAccessTokenVerifier, issuer: string, alg: "RS256", kid: string): CryptoKey {
  // The Cognito verifier is a JwtVerifier (0.5.0): its key sets are its own.
  type Internals = { keysByIssuer: Map<string, { ready(alg: string, kid: string): CryptoKey | undefined }> };
  const key = (verifier as unknown as Internals).keysByIssuer.get(issuer)?.ready(alg, kid);
  if (key === undefined) throw new Error(`the verifier holds no key ${alg}:${kid}`);
  return key;
}

/** Builds every implementation's verify function; the keys are loaded before this returns. */
export async function buildVerifiers(
  fixture: Fixture,
  warmToken: string,
  decoded: Map<string, { data: Uint8Array; signature: Uint8Array }>,
): Promise<{ verify: Record<Implementation, Verify>; cached: VerifyCached }> {
  const ours = new CognitoAccessTokenVerifier({
    issuer: fixture.issuer,
    clientIds: [fixture.clientId],
    jwks: { fetch: async () => Response.json(fixture.jwks) },
  });
  const aws = AwsJwtVerifier.create({
    issuer: fixture.issuer,
    audience: null,
    jwksUri: `${fixture.issuer}/.well-known/jwks.json`,
    customJwtCheck: ({ payload }) => {
      if (payload.token_use !== "access") throw new Error("not an access token");
    },
  });
  aws.cacheJwks(fixture.jwks as never);
  const localJwks = createLocalJWKSet(fixture.jwks);
  let floorKey = fixture.publicKey;
  const keys = fixture.jwks.keys as never;

  const verifiers: Record<Implementation, Verify> = {
    ours: (token) => ours.verify(token),
    "aws-jwt-verify": (token) => aws.verify(token),
    hono: (token) => Jwt.verifyWithJwks(token, { keys, allowedAlgorithms: ["RS256"], verification: { iss: fixture.issuer } }),
    jose: (token) => jwtVerify(token, localJwks, { issuer: fixture.issuer, algorithms: ["RS256"] }),
    // The floor: one RSASSA-PKCS1-v1_5 SHA-256 verification of the same bytes with the
    // same key, the bytes decoded ahead of time. No verifier can do less.
    floor: async (token) => {
      const { data, signature } = decoded.get(token)!;
      if (!(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", floorKey, signature, data))) throw new Error("bad signature");
    },
  };
  const cached: VerifyCached = (token) => ours.verifyCached(token);
  // Load keys (ours fetches its JWKS once) and check every implementation accepts the token.
  await verifiers.ours(warmToken);
  floorKey = importedKey(ours, fixture.issuer, "RS256", (fixture.jwks.keys[0] as { kid: string }).kid);
  for (const verify of Object.values(verifiers)) await verify(warmToken);
  if (cached(warmToken) === undefined) throw new Error("the verified token is not in the cache");
  return { verify: verifiers, cached };
}
