// A client nobody here wrote: the AWS SDK for JavaScript v3's GetClientTokenCommand
// (@aws-sdk/client-cognito-identity-provider, pinned in package.json), its endpoint
// pointed at cognito-local and dummy credentials, gets a token that edge-cc-auth's
// CognitoAccessTokenVerifier (MyService's verifier) accepts against cognito-local's JWKS.
// The SDK signs this operation with SigV4 by default; cognito-local ignores the signature,
// as AWS documents for GetClientToken ("Amazon Cognito doesn't evaluate Identity and Access
// Management (IAM) policies in requests for this API operation", AWS, "GetClientToken",
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetClientToken.html).
// It also reads cognito-local's errors by their __type, as it reads AWS's.
import {
  CognitoIdentityProviderClient,
  GetClientTokenCommand,
  NotAuthorizedException,
  OperationNotEnabledException,
  ResourceNotFoundException,
} from "@aws-sdk/client-cognito-identity-provider";
import { CognitoAccessTokenVerifier } from "edge-cc-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CognitoLocal, clientIdOf, DEV_SECRET, type PoolInfo, poolInfo, startCognitoLocal } from "#test/support/cognito-local.ts";
import { EXTRA_CLIENT_SECRETS, templateWithExtraClients } from "#test/support/template-variants.ts";

// Each file starts its own Miniflare: on a loaded machine that takes longer than vitest's defaults.
const START_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 30_000;

let cognito: CognitoLocal;
let pool: PoolInfo;
let sdk: CognitoIdentityProviderClient;

beforeAll(async () => {
  cognito = await startCognitoLocal({ templateYaml: templateWithExtraClients(), bindings: EXTRA_CLIENT_SECRETS });
  pool = await poolInfo(cognito);
  sdk = new CognitoIdentityProviderClient({
    region: "us-east-1",
    endpoint: cognito.url.origin,
    credentials: { accessKeyId: "AKIDLOCALDUMMY", secretAccessKey: "dummy-secret-access-key" },
    maxAttempts: 1,
  });
}, START_TIMEOUT_MS);
afterAll(async () => {
  sdk?.destroy();
  await cognito?.dispose();
});

function verifierFor(clientId: string) {
  return new CognitoAccessTokenVerifier({
    issuer: pool.issuer,
    clientIds: [clientId],
    // The issuer is http://127.0.0.1:8789/<poolId>; the keys are fetched from this Miniflare.
    jwks: { fetch: (request) => cognito.fetch(request.url) },
  });
}

describe("the AWS SDK for JavaScript v3 against cognito-local", { timeout: TEST_TIMEOUT_MS }, () => {
  it("gets a token with GetClientTokenCommand that MyService's verifier accepts", async () => {
    const bffId = clientIdOf(pool, "MyBFF");
    const result = await sdk.send(new GetClientTokenCommand({ ClientId: bffId, Secret: DEV_SECRET, Scopes: ["MyService/weather_read"] }));
    expect(result.ClientAuthenticationResult).toMatchObject({ ExpiresIn: 3600, TokenType: "Bearer" });
    const token = await verifierFor(bffId).verify(result.ClientAuthenticationResult!.AccessToken!);
    expect(token.client_id).toBe(bffId);
    expect(token.iss).toBe(pool.issuer);
    expect([...token.scopes]).toEqual(["MyService/weather_read"]);
  });

  it.each([
    ["a wrong secret", "MyBFF", "wrong-secret", NotAuthorizedException],
    ["a client without ALLOW_CLIENT_TOKEN_AUTH", "Other", EXTRA_CLIENT_SECRETS.CLIENT_SECRET_Other, OperationNotEnabledException],
    ["an unknown client", null, DEV_SECRET, ResourceNotFoundException],
  ])("raises the SDK's own exception for %s", async (_, clientName, secret, exception) => {
    const clientId = clientName === null ? "unknownclient0000000000000" : clientIdOf(pool, clientName);
    await expect(sdk.send(new GetClientTokenCommand({ ClientId: clientId, Secret: secret }))).rejects.toBeInstanceOf(exception);
  });
});
