/**
 * The stages of this project's verification of a distinct token, each timed alone:
 * the driver times a request that runs one stage on N different tokens against one
 * that runs it on none. Each stage is given what the stages before it produced,
 * computed ahead of time, so that only its own work is in the request. The stages are
 * the verifier's own five steps (shared/jwt/jwt-verifier.ts), in its order.
 *
 * The stages call the library's own internal functions, which the package does not
 * export: hence the relative imports of shared/ here, and only here.
 * @module
 */
import { readCognitoAccessToken } from "../../../shared/cognito/cognito-access-token.ts";
import { algorithmParameters, type JwsAlgorithm } from "../../../shared/jwt/algorithms.ts";
import { parseCompactJws, signedBytes } from "../../../shared/jwt/compact-jws.ts";
import { freezeDeep } from "../../../shared/jwt/freeze-deep.ts";
import { IssuerKeys } from "../../../shared/jwt/issuer-keys.ts";
import { checkRegisteredClaims } from "../../../shared/jwt/registered-claims.ts";
import { VerifiedTokenCache } from "../../../shared/jwt/verified-token-cache.ts";

export interface StageFixture {
  issuer: string;
  clientId: string;
  jwks: unknown;
}

type Stage = (i: number) => unknown;

const ALGORITHMS: readonly JwsAlgorithm[] = ["RS256"];
const MAX_TOKEN_BYTES = 8 * 1024;
const TOLERANCE_SECONDS = 5;
const MAX_LIFETIME_SECONDS = 86_400;

/** Builds the stage functions over a pool of tokens; each takes a token's index in the pool. In the verifier's order. */
export async function buildStages(fixture: StageFixture, tokens: readonly string[]): Promise<Map<string, Stage>> {
  const keysByIssuer = new Map([
    [
      fixture.issuer,
      new IssuerKeys(
        fixture.issuer,
        { jwksUri: `${fixture.issuer}/.well-known/jwks.json`, fetch: async () => Response.json(fixture.jwks) },
        () => {},
      ),
    ],
  ]);
  const parsed = tokens.map((token) => parseCompactJws(token, ALGORITHMS, MAX_TOKEN_BYTES));
  const { alg, kid } = parsed[0]!;
  const key = await keysByIssuer.get(fixture.issuer)!.keyFor(kid, alg);
  const allowed = new Set([fixture.clientId]);
  const nowSeconds = Date.now() / 1000;
  const registered = parsed.map((jws) =>
    checkRegisteredClaims(jws.payload, fixture.issuer, nowSeconds, TOLERANCE_SECONDS, MAX_LIFETIME_SECONDS),
  );
  const claims = parsed.map((jws, i) => freezeDeep(readCognitoAccessToken(jws.payload, registered[i]!, allowed)));
  // Full of other tokens, as in a Worker that has run a while: a new token then makes room.
  const verdicts = new VerifiedTokenCache<unknown>(1_000);
  for (let i = 0; i < 1_000; i++) verdicts.set(`earlier-token-${i}`, { claims: claims[0], kid, ...registered[0]! });
  const verifyParams = algorithmParameters(alg).verifyParams;

  return new Map<string, Stage>([
    ["parse", (i) => parseCompactJws(tokens[i]!, ALGORITHMS, MAX_TOKEN_BYTES)],
    [
      "key",
      (i) => {
        const keys = keysByIssuer.get(parsed[i]!.payload.iss as string)!;
        return keys.ready(alg, kid);
      },
    ],
    [
      "signature",
      (i) => {
        const { signature, signingInput } = signedBytes(tokens[i]!, parsed[i]!);
        const verified = crypto.subtle.verify(verifyParams, key, signature, signingInput);
        keysByIssuer.get(fixture.issuer)!.jwks.refreshIfStale();
        return verified;
      },
    ],
    [
      "claims",
      (i) => {
        const r = checkRegisteredClaims(parsed[i]!.payload, fixture.issuer, nowSeconds, TOLERANCE_SECONDS, MAX_LIFETIME_SECONDS);
        return freezeDeep(readCognitoAccessToken(parsed[i]!.payload, r, allowed));
      },
    ],
    [
      "cache",
      (i) => {
        // The miss that starts every verification, and the verdict remembered at its end.
        verdicts.get(tokens[i]!);
        verdicts.set(tokens[i]!, { claims: claims[i], kid, ...registered[i]! });
      },
    ],
  ]);
}
