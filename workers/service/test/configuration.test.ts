// A missing or malformed setting: a clear log line naming the variable, and a 500
// problem that says the service is misconfigured, with no details. Never a pass.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import app from "../src/index";
import { tokenFor } from "../../../test/workerd/cognito-local-client";

afterEach(() => vi.restoreAllMocks());

describe("configuration", () => {
  it.each([
    ["COGNITO_ISSUER", { COGNITO_ISSUER: undefined }],
    ["COGNITO_ISSUER", { COGNITO_ISSUER: "not a url" }],
    ["COGNITO_ISSUER", { COGNITO_ISSUER: "http://cognito-idp.us-east-1.amazonaws.com/us-east-1_X" }],
    ["COGNITO_ALLOWED_CLIENT_IDS", { COGNITO_ALLOWED_CLIENT_IDS: "" }],
    ["COGNITO_ALLOWED_CLIENT_IDS", { COGNITO_ALLOWED_CLIENT_IDS: "a b,c" }],
    ["CLOCK_TOLERANCE_SECONDS", { CLOCK_TOLERANCE_SECONDS: "five" }],
    ["CLOCK_TOLERANCE_SECONDS", { CLOCK_TOLERANCE_SECONDS: "3600" }],
  ])("names %s when it is wrong, and answers 500 without details", async (variable, override) => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void errors.push(String(line)));
    const request = new Request("http://myservice/weatherforecast", { headers: { Authorization: `Bearer ${await tokenFor()}` } });
    const response = await app.fetch(request, { ...env, ...override });
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ code: "misconfigured", detail: "The service is misconfigured." });
    expect(body).not.toContain(variable);
    expect(errors.some((line) => line.includes(variable))).toBe(true);
  });
});

describe("GET /openapi.json", () => {
  it("declares the oauth2 client-credentials scheme and the route's scope", async () => {
    const response = await app.fetch(new Request("http://myservice/openapi.json"), env);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
      paths: Record<string, { get: { security: unknown; responses: Record<string, unknown> } }>;
    };
    expect(document.openapi).toBe("3.1.0");
    expect(document.components.securitySchemes.cognito).toMatchObject({
      type: "oauth2",
      flows: { clientCredentials: { tokenUrl: env.COGNITO_TOKEN_URL, scopes: { "MyService/weather_read": expect.any(String) } } },
    });
    expect(document.paths["/weatherforecast"]!.get.security).toEqual([{ cognito: ["MyService/weather_read"] }]);
    expect(Object.keys(document.paths["/weatherforecast"]!.get.responses)).toEqual(["200", "400", "401", "403", "503"]);
    expect(document.components.schemas.WeatherForecast).toBeDefined();
  });
});

describe("the deployed MyService", () => {
  it("has no unauthenticated route (the benchmark builds its own twin)", async () => {
    const response = await app.fetch(new Request("http://myservice/bench/weatherforecast-unauthenticated"), env);
    expect(response.status).toBe(404);
  });

  it("documents only /weatherforecast", async () => {
    const document = await (await app.fetch(new Request("http://myservice/openapi.json"), env)).json();
    expect(Object.keys((document as { paths: object }).paths)).toEqual(["/weatherforecast"]);
  });
});
