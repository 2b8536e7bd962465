// cognito-local's GetClientToken, as AWS documents the operation: AWS, "GetClientToken"
// (Amazon Cognito User Pools API Reference,
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetClientToken.html)
// and "ClientAuthenticationResultType" (same reference, API_ClientAuthenticationResultType.html).
// Each error case has its exact __type and status; the statuses are those Cognito answers
// on the wire, 400 for every client error (src/api/aws-json-error.ts cites users' logs),
// not the service model's httpError traits (403, 404).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CognitoLocal,
  clientIdOf,
  DEV_SECRET,
  decodeJwtPart,
  type PoolInfo,
  poolInfo,
  startCognitoLocal,
  tokenForm,
} from "#test/support/cognito-local.ts";
import { EXTRA_CLIENT_SECRETS, templateWithExtraClients } from "#test/support/template-variants.ts";

// Each file starts its own Miniflare: on a loaded machine that takes longer than vitest's defaults.
const START_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 30_000;

const TARGET = "AWSCognitoIdentityProviderService.GetClientToken";

let cognito: CognitoLocal;
let pool: PoolInfo;
let bffId: string;

beforeAll(async () => {
  cognito = await startCognitoLocal({ templateYaml: templateWithExtraClients(), bindings: EXTRA_CLIENT_SECRETS });
  pool = await poolInfo(cognito);
  bffId = clientIdOf(pool, "MyBFF");
}, START_TIMEOUT_MS);
afterAll(() => cognito?.dispose());

function getClientToken(body: unknown, headers: Record<string, string> = {}) {
  return cognito.fetch("/", {
    method: "POST",
    headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function expectAwsError(response: Response, type: string, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get("Content-Type")).toBe("application/x-amz-json-1.1");
  const body = (await response.json()) as { __type: string; message: string };
  expect(body.__type).toBe(type);
  expect(typeof body.message).toBe("string");
  return body;
}

async function tokenEndpointToken(): Promise<string> {
  const response = await cognito.fetch(
    "/oauth2/token",
    tokenForm({ grant_type: "client_credentials", client_id: bffId, client_secret: DEV_SECRET }),
  );
  return ((await response.json()) as { access_token: string }).access_token;
}

describe("GetClientToken", { timeout: TEST_TIMEOUT_MS }, () => {
  it("answers ClientAuthenticationResult with a Bearer token of the client's every scope", async () => {
    const response = await getClientToken({ ClientId: bffId, Secret: DEV_SECRET });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/x-amz-json-1.1");
    const body = (await response.json()) as { ClientAuthenticationResult: { AccessToken: string; ExpiresIn: number; TokenType: string } };
    expect(Object.keys(body)).toEqual(["ClientAuthenticationResult"]);
    expect(Object.keys(body.ClientAuthenticationResult).sort()).toEqual(["AccessToken", "ExpiresIn", "TokenType"]);
    expect(body.ClientAuthenticationResult).toMatchObject({ ExpiresIn: 3600, TokenType: "Bearer" });
    const claims = decodeJwtPart(body.ClientAuthenticationResult.AccessToken, 1);
    expect(claims).toMatchObject({ client_id: bffId, sub: bffId, token_use: "access", scope: "MyService/weather_read", iss: pool.issuer });
  });

  it("issues the same claims as /oauth2/token, apart from the times and jti", async () => {
    const viaApi = (await (await getClientToken({ ClientId: bffId, Secret: DEV_SECRET })).json()) as {
      ClientAuthenticationResult: { AccessToken: string };
    };
    const a = decodeJwtPart(viaApi.ClientAuthenticationResult.AccessToken, 1);
    const b = decodeJwtPart(await tokenEndpointToken(), 1);
    const timeless = (claims: Record<string, unknown>) => {
      const { iat, exp, auth_time, jti, ...rest } = claims;
      expect(typeof jti).toBe("string");
      expect((exp as number) - (iat as number)).toBe(3600);
      expect(auth_time).toBe(iat);
      return rest;
    };
    expect(timeless(a)).toEqual(timeless(b));
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect(decodeJwtPart(viaApi.ClientAuthenticationResult.AccessToken, 0)).toEqual(decodeJwtPart(await tokenEndpointToken(), 0));
  });

  it("grants the requested scopes and accepts ClientMetadata", async () => {
    const response = await getClientToken({
      ClientId: bffId,
      Secret: DEV_SECRET,
      Scopes: ["MyService/weather_read"],
      ClientMetadata: { purpose: "test" },
    });
    expect(response.status).toBe(200);
  });

  it("ignores a SigV4 Authorization header, signed or not: the secret in the body is the credential", async () => {
    const sigv4 =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261205/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000";
    expect((await getClientToken({ ClientId: bffId, Secret: DEV_SECRET }, { Authorization: sigv4 })).status).toBe(200);
    await expectAwsError(
      await getClientToken({ ClientId: bffId, Secret: "wrong" }, { Authorization: sigv4 }),
      "NotAuthorizedException",
      400,
    );
  });

  it("refuses a wrong secret with NotAuthorizedException (400, not the model's 403), never echoing it", async () => {
    const body = await expectAwsError(
      await getClientToken({ ClientId: bffId, Secret: "wrong-secret-value" }),
      "NotAuthorizedException",
      400,
    );
    expect(body.message).not.toContain("wrong-secret-value");
  });

  it("refuses an unknown client with ResourceNotFoundException (400, not the model's 404)", async () => {
    await expectAwsError(
      await getClientToken({ ClientId: "unknownclient0000000000000", Secret: DEV_SECRET }),
      "ResourceNotFoundException",
      400,
    );
  });

  it("refuses a client without ALLOW_CLIENT_TOKEN_AUTH with OperationNotEnabledException (400)", async () => {
    await expectAwsError(
      await getClientToken({ ClientId: clientIdOf(pool, "Other"), Secret: EXTRA_CLIENT_SECRETS.CLIENT_SECRET_Other }),
      "OperationNotEnabledException",
      400,
    );
  });

  it.each([
    ["no ClientId", { Secret: DEV_SECRET }],
    ["no Secret", { ClientId: "CLIENT" }],
    ["a ClientId that is not one", { ClientId: "a/b", Secret: DEV_SECRET }],
    ["Scopes that are not a list", { ClientId: "CLIENT", Secret: DEV_SECRET, Scopes: "MyService/weather_read" }],
    ["ClientMetadata values that are not text", { ClientId: "CLIENT", Secret: DEV_SECRET, ClientMetadata: { n: 1 } }],
    ["a scope the client may not have", { ClientId: "CLIENT", Secret: DEV_SECRET, Scopes: ["OtherService/read"] }],
    ["a body that is not JSON", "{not json"],
  ])("refuses %s with InvalidParameterException (400)", async (_, body) => {
    const withId = typeof body === "string" ? body : JSON.parse(JSON.stringify(body).replace('"CLIENT"', JSON.stringify(bffId)));
    const answer = await expectAwsError(await getClientToken(withId), "InvalidParameterException", 400);
    expect(answer.message).not.toContain(DEV_SECRET);
  });

  it("refuses a body that is not application/x-amz-json-1.1 with InvalidParameterException (400)", async () => {
    await expectAwsError(
      await getClientToken({ ClientId: bffId, Secret: DEV_SECRET }, { "Content-Type": "application/json" }),
      "InvalidParameterException",
      400,
    );
  });

  it("answers another operation of the user pools API with UnknownOperationException (400)", async () => {
    await expectAwsError(
      await getClientToken({ ClientId: bffId }, { "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth" }),
      "UnknownOperationException",
      400,
    );
  });

  it("counts issued tokens and rejections by __type in /_dev/stats", async () => {
    await cognito.fetch("/_dev/stats/reset", { method: "POST" });
    await getClientToken({ ClientId: bffId, Secret: DEV_SECRET });
    await getClientToken({ ClientId: bffId, Secret: "wrong" });
    const stats = (await (await cognito.fetch("/_dev/stats")).json()) as {
      tokensIssued: Record<string, number>;
      rejected: Record<string, number>;
    };
    expect(stats.tokensIssued[bffId]).toBe(1);
    expect(stats.rejected.NotAuthorizedException).toBe(1);
  });
});
