/**
 * The stages of this project's verification of a distinct token, each timed alone:
 * the driver times a request that runs one stage on N different tokens against one
 * that runs it on none. Each stage is given what the stages before it produced,
 * computed ahead of time, so that only its own work is in the request.
 *
 * The stages call the library's own internal functions, which the package does not
 * export: hence the relative imports of shared/ here, and only here.
 * @module
 */
import { checkTimeWindow, readRegisteredClaims } from "../../../shared/jwt/registered-claims.ts";
import { readCognitoAccessToken } from "../../../shared/cognito/cognito-access-token.ts";
import { decodeJsonObject, HeaderCache, parseCompactJws, type ParsedJws } from "../../../shared/jwt/compact-jws.ts";
import { algorithmParameters, type JwsAlgorithm } from "../../../shared/jwt/algorithms.ts";
import { VerifiedTokenCache } from "../../../shared/jwt/verified-token-cache.ts";

export interface StageFixture {
  issuer: string;
  clientId: string;
  publicKey: CryptoKey;
}

type Stage = (i: number) => unknown;

const ALGORITHMS: readonly JwsAlgorithm[] = ["RS256"];
const MAX_TOKEN_BYTES = 8 * 1024;

/** Builds the stage functions over a pool of tokens; each takes a token's index in the pool. */
export async function buildStages(fixture: StageFixture, tokens: readonly string[]): Promise<Map<string, Stage>> {
  const headers = new HeaderCache();
  const parsed: ParsedJws[] = tokens.map((token) => parseCompactJws(token, ALGORITHMS, MAX_TOKEN_BYTES, headers));
  const payloads = parsed.map((jws) => decodeJsonObject(jws.payloadSegment, "payload"));
  const registered = payloads.map((payload) => readRegisteredClaims(payload, fixture.issuer));
  const allowed = new Set([fixture.clientId]);
  const claims = payloads.map((payload, i) => readCognitoAccessToken(payload, registered[i]!, allowed));
  const nowSeconds = Date.now() / 1000;
  const verdictCache = new VerifiedTokenCache<unknown>(1_000);
  const verifyParams = algorithmParameters("RS256").verifyParams;

  return new Map<string, Stage>([
    ["parse", (i) => parseCompactJws(tokens[i]!, ALGORITHMS, MAX_TOKEN_BYTES, headers)],
    ["signature", (i) => crypto.subtle.verify(verifyParams, fixture.publicKey, parsed[i]!.signature, parsed[i]!.signingInput)],
    ["payload", (i) => decodeJsonObject(parsed[i]!.payloadSegment, "payload")],
    [
      "claims",
      (i) => {
        const r = readRegisteredClaims(payloads[i]!, fixture.issuer);
        checkTimeWindow(r, nowSeconds, 5);
        return readCognitoAccessToken(payloads[i]!, r, allowed);
      },
    ],
    ["cache", (i) => verdictCache.set(tokens[i]!, { claims: claims[i], kid: parsed[i]!.kid, ...registered[i]! })],
  ]);
}
