// MyService and access tokens customized as a pre token generation trigger of event
// version 3 makes them for machine clients (AWS, "Pre token generation Lambda trigger",
// Amazon Cognito Developer Guide,
// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html):
// extra claims of any JSON type, scopes added and suppressed. cognito-local applies the
// trigger's response to the tokens of its "Customized" client (test/support/template-variants.ts),
// so MyBFF's tokens stay as they are for the other test files.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { CUSTOMIZED_CLIENT_SECRET, clientId, clientTokenFor, customizeTokens, tokenFor } from "#test/workerd/cognito-local-client.ts";

// MyService leaves maxTokenBytes at the library's default, 8 KiB (shared/README.md).
const MAX_TOKEN_BYTES = 8 * 1024;

import app from "../src/index";

const URL_ = "http://myservice/weatherforecast";
const SECRET = CUSTOMIZED_CLIENT_SECRET;
const MYBFF_ID = String(env.COGNITO_ALLOWED_CLIENT_IDS);

/** MyService with its own settings, or allowing the Customized client instead of MyBFF. */
async function callMyService(token: string, allowCustomized = true): Promise<Response> {
  const settings = allowCustomized ? { ...env, COGNITO_ALLOWED_CLIENT_IDS: await clientId("Customized") } : env;
  return app.fetch(new Request(URL_, { headers: { Authorization: `Bearer ${token}` } }), settings);
}

const bothPaths = () => Promise.all([tokenFor("Customized", SECRET), clientTokenFor("Customized", SECRET)]);

afterEach(() => customizeTokens("Customized", null));

describe("customized tokens", () => {
  it("accepts tokens with extra claims of every JSON type and an added scope, from either path", async () => {
    await customizeTokens("Customized", {
      claimsToAddOrOverride: {
        tenant: "acme",
        tier: 3,
        ratio: 0.25,
        beta: false,
        regions: ["eu-west-1", 7, true],
        limits: { daily: 1000, nested: { tags: ["a", "b"] } },
      },
      scopesToAdd: ["MyService/weather_write"],
    });
    for (const token of await bothPaths()) expect((await callMyService(token)).status).toBe(200);
  });

  it("answers 403 insufficient_scope when the trigger suppressed MyService/weather_read, whatever custom claims say", async () => {
    await customizeTokens("Customized", {
      scopesToSuppress: ["MyService/weather_read"],
      scopesToAdd: ["MyService/other"],
      // Claims other issuers use for scopes, and near-spellings of Cognito's: none is `scope`.
      claimsToAddOrOverride: {
        scp: "MyService/weather_read",
        scopes: ["MyService/weather_read"],
        Scope: "MyService/weather_read",
        "cognito:scope": "MyService/weather_read",
      },
    });
    for (const token of await bothPaths()) {
      const response = await callMyService(token);
      expect(response.status).toBe(403);
      expect(response.headers.get("WWW-Authenticate")).toBe('Bearer error="insufficient_scope", scope="MyService/weather_read"');
    }
  });

  it("never reads a custom claim as client_id: a Customized token claiming MyBFF's id elsewhere is refused with 401", async () => {
    await customizeTokens("Customized", {
      claimsToAddOrOverride: {
        azp: MYBFF_ID,
        cid: MYBFF_ID,
        clientId: MYBFF_ID,
        appid: MYBFF_ID,
        "client-id": MYBFF_ID,
        "cognito:client_id": MYBFF_ID,
        sub_: MYBFF_ID,
      },
    });
    for (const token of await bothPaths()) {
      const response = await callMyService(token, false); // MyService as configured: MyBFF only
      expect(response.status).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer error="invalid_token"/);
    }
  });

  it("never reads a custom claim as token_use or exp: near-spellings change nothing", async () => {
    await customizeTokens("Customized", {
      claimsToAddOrOverride: { tokenUse: "id", "token-use": "id", Exp: 1, exp_: 1, expires_at: 1, TOKEN_USE: "id" },
    });
    for (const token of await bothPaths()) expect((await callMyService(token)).status).toBe(200);
  });

  it(`accepts the largest token cognito-local's trigger can produce (${MAX_TOKEN_BYTES} bytes at most, MyService's maxTokenBytes)`, async () => {
    // The token grows by 4 base64url characters for every 3 bytes of padding.
    const first = await customizeTokens("Customized", { claimsToAddOrOverride: { padding: "x".repeat(4096) } });
    const padding = 4096 + Math.floor(((MAX_TOKEN_BYTES - first) * 3) / 4);
    const largest = await customizeTokens("Customized", { claimsToAddOrOverride: { padding: "x".repeat(padding) } });
    expect(largest).toBeLessThanOrEqual(MAX_TOKEN_BYTES);
    expect(largest).toBeGreaterThan(MAX_TOKEN_BYTES - 4);
    for (const token of await bothPaths()) {
      expect(token.length).toBe(largest);
      expect((await callMyService(token)).status).toBe(200);
    }
    // One step more is more than cognito-local issues.
    await expect(customizeTokens("Customized", { claimsToAddOrOverride: { padding: "x".repeat(padding + 3) } })).rejects.toThrow(/400/);
  });
});
