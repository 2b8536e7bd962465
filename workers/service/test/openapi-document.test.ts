// MyService serves the OpenAPI document generated at build time from its
// @hono/zod-openapi route (scripts/generate-openapi.mjs): the same bytes it served
// when it built the document per request (test/fixtures/openapi/service.json, captured
// with the local stack's settings, which this project's bindings are), with the token
// URL of the settings in it.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import before from "#test/fixtures/openapi/service.json";
import app from "../src/index";

describe("GET /openapi.json", () => {
  it("is the document served before the build-time generation, byte for byte", async () => {
    expect(env.COGNITO_TOKEN_URL).toBe("http://127.0.0.1:8789/oauth2/token");
    const response = await app.fetch(new Request("http://myservice/openapi.json"), env);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    // The fixture is the compact JSON.stringify text, which a parse and a stringify give back exactly.
    expect(await response.text()).toBe(JSON.stringify(before));
  });

  it("carries another token URL when the settings name another", async () => {
    const tokenUrl = "https://acme.auth.us-east-1.amazoncognito.com/oauth2/token";
    const response = await app.fetch(new Request("http://myservice/openapi.json"), { ...env, COGNITO_TOKEN_URL: tokenUrl });
    const expected = JSON.stringify(before).replace('"http://127.0.0.1:8789/oauth2/token"', JSON.stringify(tokenUrl));
    expect(await response.text()).toBe(expected);
  });
});
