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
import { readCognitoAccessToken } from "../../../shared/cognito/cognito-access-token.ts";
import { algorithmParameters, type JwsAlgorithm } from "../../../shared/jwt/algorithms.ts";
import { acceptedHeader, decodeJsonObject, HeaderCache, signedBytes, splitCompactJws } from "../../../shared/jwt/compact-jws.ts";
import { IssuerKeys } from "../../../shared/jwt/issuer-keys.ts";
import { checkLifetime, checkTimeWindow, readRegisteredClaims, readString } from "../../../shared/jwt/registered-claims.ts";
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
  const headers = new HeaderCache();
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
  const segments = tokens.map((token) => splitCompactJws(token, MAX_TOKEN_BYTES));
  const header = acceptedHeader(tokens[0]!, segments[0]!, ALGORITHMS, headers);
  await keysByIssuer.get(fixture.issuer)!.keyFor(header.kid, header.alg);
  const key = keysByIssuer.get(fixture.issuer)!.ready(header.keyName)!;
  // signedBytes gives views of one scratch buffer that the next call overwrites: copied.
  const bytes = tokens.map((token, i) => {
    const { signature, signingInput } = signedBytes(token, segments[i]!);
    return { signature: signature.slice(), signingInput: signingInput.slice() };
  });
  const payloads = segments.map((s) => decodeJsonObject(s.payload, "payload"));
  const registered = payloads.map((payload) => readRegisteredClaims(payload, fixture.issuer));
  const allowed = new Set([fixture.clientId]);
  const claims = payloads.map((payload, i) => readCognitoAccessToken(payload, registered[i]!, allowed));
  const nowSeconds = Date.now() / 1000;
  // Full of other tokens, as in a Worker that has run a while: a new token then meets
  // the admission filter (see shared/jwt/admission-filter.ts).
  const verdicts = new VerifiedTokenCache<unknown>(1_000);
  for (let i = 0; i < 1_000; i++)
    verdicts.set(`earlier-token-${i}`, { claims: claims[0], iss: fixture.issuer, kid: header.kid, ...registered[0]! });
  const verifyParams = algorithmParameters("RS256").verifyParams;

  return new Map<string, Stage>([
    ["split", (i) => splitCompactJws(tokens[i]!, MAX_TOKEN_BYTES)],
    ["decode", (i) => signedBytes(tokens[i]!, segments[i]!)],
    ["header", (i) => acceptedHeader(tokens[i]!, segments[i]!, ALGORITHMS, headers)],
    [
      "key",
      (i) => {
        const keys = keysByIssuer.get(readString(payloads[i]!, "iss", true)!)!;
        const ready = keys.ready(header.keyName);
        keys.jwks.refreshIfStale();
        return ready;
      },
    ],
    ["signature", (i) => crypto.subtle.verify(verifyParams, key, bytes[i]!.signature, bytes[i]!.signingInput)],
    ["payload", (i) => decodeJsonObject(segments[i]!.payload, "payload")],
    [
      "claims",
      (i) => {
        const r = readRegisteredClaims(payloads[i]!, fixture.issuer);
        checkLifetime(r, MAX_LIFETIME_SECONDS, TOLERANCE_SECONDS);
        checkTimeWindow(r, nowSeconds, TOLERANCE_SECONDS);
        return readCognitoAccessToken(payloads[i]!, r, allowed);
      },
    ],
    [
      "cache",
      (i) => {
        // The miss that starts every verification, and the verdict remembered at its end.
        verdicts.get(tokens[i]!);
        if (verdicts.admit(tokens[i]!))
          verdicts.set(tokens[i]!, { claims: claims[i], iss: fixture.issuer, kid: header.kid, ...registered[i]! });
      },
    ],
  ]);
}
