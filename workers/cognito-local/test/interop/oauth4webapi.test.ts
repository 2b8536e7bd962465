// A client nobody here wrote: oauth4webapi (panva) discovers cognito-local from its
// issuer and does the client-credentials grant with client_secret_basic and with
// client_secret_post, the two client authentications Cognito's token endpoint supports
// (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html).
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CognitoLocal,
  clientIdOf,
  DEV_SECRET,
  decodeJwtPart,
  type PoolInfo,
  poolInfo,
  startCognitoLocal,
} from "#test/support/cognito-local.ts";

let cognito: CognitoLocal;
let pool: PoolInfo;
let as: oauth.AuthorizationServer;
let client: oauth.Client;

// oauth4webapi insists on https unless told otherwise; cognito-local is http on loopback.
const options = () => ({
  [oauth.allowInsecureRequests]: true,
  [oauth.customFetch]: (url: string, init: RequestInit) => cognito.fetch(url, init),
});

beforeAll(async () => {
  cognito = await startCognitoLocal();
  pool = await poolInfo(cognito);
  const issuer = new URL(pool.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options()));
  client = { client_id: clientIdOf(pool, "MyBFF") };
});
afterAll(() => cognito?.dispose());

describe("oauth4webapi against cognito-local", () => {
  it("discovers the token endpoint from the issuer, with both client authentications advertised", () => {
    expect(as.issuer).toBe(pool.issuer);
    expect(as.token_endpoint).toBe(`${new URL(pool.issuer).origin}/oauth2/token`);
    expect(as.token_endpoint_auth_methods_supported).toEqual(["client_secret_basic", "client_secret_post"]);
  });

  it.each([
    ["client_secret_basic", () => oauth.ClientSecretBasic(DEV_SECRET)],
    ["client_secret_post", () => oauth.ClientSecretPost(DEV_SECRET)],
  ])("gets a token with %s", async (_, auth) => {
    const response = await oauth.clientCredentialsGrantRequest(as, client, auth(), { scope: "MyService/weather_read" }, options());
    const result = await oauth.processClientCredentialsResponse(as, client, response);
    expect(result.token_type).toBe("bearer"); // oauth4webapi lower-cases it
    expect(result.expires_in).toBe(3600);
    expect(decodeJwtPart(result.access_token, 1)).toMatchObject({
      iss: pool.issuer,
      client_id: client.client_id,
      token_use: "access",
      scope: "MyService/weather_read",
    });
  });

  it("reads cognito-local's refusal of a wrong secret as the OAuth error invalid_client", async () => {
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(`${DEV_SECRET}x`), {}, options());
    const refusal = await oauth.processClientCredentialsResponse(as, client, response).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(oauth.ResponseBodyError);
    expect((refusal as oauth.ResponseBodyError).error).toBe("invalid_client");
    expect((refusal as oauth.ResponseBodyError).status).toBe(400);
  });
});
