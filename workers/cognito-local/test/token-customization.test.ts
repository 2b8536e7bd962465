// Customized tokens, as a pre token generation trigger of event version 3 would make them
// for a machine client. AWS, "Pre token generation Lambda trigger" (Amazon Cognito
// Developer Guide, https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html):
// V3_0 customizes "access token[s] for machine-to-machine (M2M) client-credentials grants";
// claim values may be strings, numbers, booleans, arrays of these, and JSON; the response's
// accessTokenGeneration holds claimsToAddOrOverride, claimsToSuppress, scopesToAdd and scopesToSuppress.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type CognitoLocal,
  clientIdOf,
  DEV_SECRET,
  decodeJwtPart,
  poolInfo,
  startCognitoLocal,
  tokenForm,
} from "#test/support/cognito-local.ts";

// Each file starts its own Miniflare: on a loaded machine that takes longer than vitest's defaults.
const START_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 30_000;

let cognito: CognitoLocal;
let bffId: string;

beforeAll(async () => {
  cognito = await startCognitoLocal();
  bffId = clientIdOf(await poolInfo(cognito), "MyBFF");
}, START_TIMEOUT_MS);
afterAll(() => cognito?.dispose());
beforeEach(async () => {
  await cognito.fetch(`/_dev/clients/${bffId}/token-customization`, { method: "DELETE" });
});

const customize = (accessTokenGeneration: Record<string, unknown>) =>
  cognito.fetch(`/_dev/clients/${bffId}/token-customization`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ claimsAndScopeOverrideDetails: { accessTokenGeneration } }),
  });

async function claimsOfBothPaths(): Promise<Array<Record<string, unknown>>> {
  const viaEndpoint = (await (
    await cognito.fetch("/oauth2/token", tokenForm({ grant_type: "client_credentials", client_id: bffId, client_secret: DEV_SECRET }))
  ).json()) as { access_token: string };
  const viaApi = (await (
    await cognito.fetch("/", {
      method: "POST",
      headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.GetClientToken" },
      body: JSON.stringify({ ClientId: bffId, Secret: DEV_SECRET }),
    })
  ).json()) as { ClientAuthenticationResult: { AccessToken: string } };
  return [decodeJwtPart(viaEndpoint.access_token, 1), decodeJwtPart(viaApi.ClientAuthenticationResult.AccessToken, 1)];
}

const EVERY_TYPE = {
  tenant: "acme",
  tier: 3,
  ratio: 0.5,
  beta: true,
  regions: ["eu-west-1", 2, false],
  limits: { daily: 1000, nested: { on: true, tags: ["a"] } },
};

describe("token customization", { timeout: TEST_TIMEOUT_MS }, () => {
  it("adds claims of every JSON type, suppresses a claim, adds and suppresses scopes, on both paths", async () => {
    const response = await customize({
      claimsToAddOrOverride: EVERY_TYPE,
      claimsToSuppress: ["auth_time_extra"],
      scopesToAdd: ["MyService/extra"],
      scopesToSuppress: ["MyService/weather_read"],
    });
    expect(response.status).toBe(200);
    for (const claims of await claimsOfBothPaths()) {
      expect(claims).toMatchObject({ ...EVERY_TYPE, client_id: bffId, token_use: "access", scope: "MyService/extra" });
    }
  });

  it("drops the scope claim when every scope is suppressed", async () => {
    await customize({ scopesToSuppress: ["MyService/weather_read"] });
    for (const claims of await claimsOfBothPaths()) expect(claims).not.toHaveProperty("scope");
  });

  it("goes back to uncustomized tokens when the customization is deleted", async () => {
    await customize({ claimsToAddOrOverride: { tenant: "acme" } });
    await cognito.fetch(`/_dev/clients/${bffId}/token-customization`, { method: "DELETE" });
    for (const claims of await claimsOfBothPaths()) {
      expect(claims).not.toHaveProperty("tenant");
      expect(claims.scope).toBe("MyService/weather_read");
    }
  });

  it.each(["sub", "client_id", "token_use", "scope", "iss", "exp", "iat", "nbf", "aud", "jti", "auth_time", "version"])(
    "refuses to add, override or suppress %s, and leaves the tokens as they were",
    async (claim) => {
      for (const change of [{ claimsToAddOrOverride: { [claim]: "x" } }, { claimsToSuppress: [claim] }]) {
        const response = await customize(change);
        expect(response.status).toBe(400);
        expect(((await response.json()) as { __type: string }).__type).toBe("InvalidParameterException");
      }
      for (const claims of await claimsOfBothPaths()) expect(claims.client_id).toBe(bffId);
    },
  );

  it.each([
    ["a null claim value (not one of the documented types)", { claimsToAddOrOverride: { a: null } }],
    ["a null nested in an object", { claimsToAddOrOverride: { a: { b: null } } }],
    ["a scope with a space", { scopesToAdd: ["a b"] }],
    ["a member the trigger response does not have", { claimsToAdd: { a: 1 } }],
  ])("refuses %s", async (_, change) => {
    expect((await customize(change)).status).toBe(400);
  });

  it("refuses a customization whose token would be over its byte bound, and answers the largest size it accepts", async () => {
    const over = await customize({ claimsToAddOrOverride: { padding: "x".repeat(8 * 1024) } });
    expect(over.status).toBe(400);
    const ok = await customize({ claimsToAddOrOverride: { padding: "x".repeat(4 * 1024) } });
    expect(ok.status).toBe(200);
    const { largestTokenBytes } = (await ok.json()) as { largestTokenBytes: number };
    expect(largestTokenBytes).toBeGreaterThan(4 * 1024);
    expect(largestTokenBytes).toBeLessThanOrEqual(8 * 1024);
  });
});
