// A verifier nobody here wrote: aws-jwt-verify's JwtVerifier, given cognito-local's
// JWKS (two keys, as Cognito publishes), verifies a cognito-local token with the
// checks its CognitoJwtVerifier makes (validateCognitoJwtFields: token_use and
// client_id) and its scope check. Its CognitoJwtVerifier itself only accepts the
// https://cognito-idp... and https://issuer-cognito-idp... issuers, which a local
// issuer cannot be.
import { JwtVerifier } from "aws-jwt-verify";
import { validateCognitoJwtFields } from "aws-jwt-verify/cognito-verifier";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CognitoLocal,
  clientIdOf,
  DEV_SECRET,
  type PoolInfo,
  poolInfo,
  startCognitoLocal,
  tokenForm,
} from "#test/support/cognito-local.ts";
import { EXTRA_CLIENT_SECRETS, templateWithExtraClients } from "#test/support/template-variants.ts";

let cognito: CognitoLocal;
let pool: PoolInfo;
let jwks: { keys: unknown[] };

beforeAll(async () => {
  cognito = await startCognitoLocal({ templateYaml: templateWithExtraClients(), bindings: EXTRA_CLIENT_SECRETS });
  pool = await poolInfo(cognito);
  jwks = (await (await cognito.fetch(`/${pool.poolId}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
});
afterAll(() => cognito?.dispose());

async function tokenOf(clientName: string, secret: string): Promise<string> {
  const response = await cognito.fetch(
    "/oauth2/token",
    tokenForm({ grant_type: "client_credentials", client_id: clientIdOf(pool, clientName), client_secret: secret }),
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function verifierFor(clientId: string) {
  const verifier = JwtVerifier.create({
    issuer: pool.issuer,
    audience: null, // Cognito access tokens have no aud
    jwksUri: `${pool.issuer}/.well-known/jwks.json`,
    scope: "MyService/weather_read",
    customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse: "access", clientId }),
  });
  verifier.cacheJwks(jwks as never);
  return verifier;
}

describe("aws-jwt-verify against cognito-local", () => {
  it("finds two keys in the JWKS and verifies MyBFF's token with Cognito's field checks", async () => {
    expect(jwks.keys).toHaveLength(2);
    const bffId = clientIdOf(pool, "MyBFF");
    const payload = await verifierFor(bffId).verify(await tokenOf("MyBFF", DEV_SECRET));
    expect(payload).toMatchObject({ client_id: bffId, token_use: "access", scope: "MyService/weather_read", iss: pool.issuer });
  });

  it("refuses the token for another client id (client_id check)", async () => {
    await expect(verifierFor(clientIdOf(pool, "Other")).verify(await tokenOf("MyBFF", DEV_SECRET))).rejects.toThrow(/client/i);
  });

  it("refuses a token without MyService's scope (scope check)", async () => {
    const otherId = clientIdOf(pool, "Other");
    await expect(verifierFor(otherId).verify(await tokenOf("Other", EXTRA_CLIENT_SECRETS.CLIENT_SECRET_Other))).rejects.toThrow(/scope/i);
  });
});
