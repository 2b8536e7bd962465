// A missing or malformed setting: a clear log line naming the variable, and a 500
// problem that says the service is misconfigured, with no details. Never a pass.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { captureConsole } from "#test/workerd/captured-work.ts";
import { COGNITO, poolInfo, tokenFor } from "#test/workerd/cognito-local-client.ts";
import { readServiceConfig } from "../src/config";
import app from "../src/index";
import { configured } from "../src/verifier";

const POOL = "us-east-1_AbCdEfGhI";
const TOKEN_URL = "https://acme.auth.us-east-1.amazoncognito.com/oauth2/token";
/** MyService configured for a real pool instead of cognito-local's issuer. */
const withPool = (extra: Record<string, unknown> = {}) =>
  ({ ...env, COGNITO_ISSUER: "", COGNITO_USER_POOL_ID: POOL, COGNITO_TOKEN_URL: TOKEN_URL, ...extra }) as Env;

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
    ["COGNITO_USER_POOL_ID/COGNITO_ISSUER", { COGNITO_USER_POOL_ID: POOL, COGNITO_TOKEN_URL: TOKEN_URL }],
    ["COGNITO_USER_POOL_ID/COGNITO_ISSUER", { COGNITO_ISSUER: "", COGNITO_USER_POOL_ID: "" }],
    ["COGNITO_USER_POOL_ID", { COGNITO_ISSUER: "", COGNITO_USER_POOL_ID: "us-east-1-AbCdEfGhI", COGNITO_TOKEN_URL: TOKEN_URL }],
    ["COGNITO_ISSUER_FORMAT", { COGNITO_ISSUER_FORMAT: "UPDATED" }],
    [
      "COGNITO_ISSUER_FORMAT",
      { COGNITO_ISSUER: "", COGNITO_USER_POOL_ID: POOL, COGNITO_TOKEN_URL: TOKEN_URL, COGNITO_ISSUER_FORMAT: "NEW" },
    ],
    ["COGNITO_TOKEN_URL", { COGNITO_ISSUER: "", COGNITO_USER_POOL_ID: POOL, COGNITO_TOKEN_URL: "" }],
    ["COGNITO_ISSUER", { COGNITO_ISSUER: "http://127.0.0.1:8789/us-east-1_toFGiuX5i,not a url" }],
    ["COGNITO_ISSUER", { COGNITO_ISSUER: "http://127.0.0.1:8789/us-east-1_toFGiuX5i,," }],
    ["COGNITO_ISSUER", { COGNITO_ISSUER: "http://127.0.0.1:8789/us-east-1_toFGiuX5i?" }],
    ["COGNITO_ISSUER", { COGNITO_ISSUER: "https://Cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI" }],
    // A TOML array or number is a mistake, never "not set".
    [
      "COGNITO_ISSUER_FORMAT",
      { COGNITO_ISSUER: "", COGNITO_USER_POOL_ID: POOL, COGNITO_TOKEN_URL: TOKEN_URL, COGNITO_ISSUER_FORMAT: ["UPDATED"] },
    ],
    ["COGNITO_ISSUER", { COGNITO_ISSUER: ["http://127.0.0.1:8789/us-east-1_toFGiuX5i"] }],
    ["CLOCK_TOLERANCE_SECONDS", { CLOCK_TOLERANCE_SECONDS: 5 }],
    ["COGNITO_ALLOWED_CLIENT_IDS", { COGNITO_ALLOWED_CLIENT_IDS: true }],
    ["LOG_LEVEL", { LOG_LEVEL: "verbose" }],
    ["COGNITO_TOKEN_URL", { COGNITO_TOKEN_URL: 8789 }],
    // The token URL is shown in /openapi.json and allowed in the /docs policy.
    ["COGNITO_TOKEN_URL", { COGNITO_TOKEN_URL: "javascript:alert(1)" }],
    ["COGNITO_TOKEN_URL", { COGNITO_TOKEN_URL: "http://acme.auth.us-east-1.amazoncognito.com/oauth2/token" }],
    ["COGNITO_TOKEN_URL", { COGNITO_TOKEN_URL: "https://user:secret@acme.auth.us-east-1.amazoncognito.com/oauth2/token" }],
    ["COGNITO_TOKEN_URL", { COGNITO_TOKEN_URL: "http://127.0.0.1.attacker.example/oauth2/token" }],
    ["COGNITO_USER_POOL_ID", { COGNITO_ISSUER: "", COGNITO_USER_POOL_ID: "us-gov-west-1_AbCdEfGhI", COGNITO_TOKEN_URL: TOKEN_URL }],
    ["JWKS_SHARED_CACHE", { JWKS_SHARED_CACHE: "yes" }],
    ["JWKS_SHARED_CACHE_SECRET", { JWKS_SHARED_CACHE_SECRET: "too-short" }],
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

describe("COGNITO_TOKEN_URL and COGNITO_ISSUER follow the library's one URL rule (urlOption)", () => {
  it.each([
    ["ftp://127.0.0.1:8789/oauth2/token", "must be an https URL (http only on loopback hosts)"],
    ["http://user:pw@127.0.0.1:8789/oauth2/token", "must not contain a user name or password"],
  ])("refuses %s with the rule's words, naming the setting", (url, reason) => {
    expect(() => readServiceConfig({ COGNITO_ISSUER: COGNITO, COGNITO_ALLOWED_CLIENT_IDS: "*", COGNITO_TOKEN_URL: url })).toThrow(
      expect.objectContaining({ option: "COGNITO_TOKEN_URL", message: `COGNITO_TOKEN_URL ${reason}` }),
    );
    const issuer = url.replace("/oauth2/token", "/pool");
    expect(() => configured({ ...env, COGNITO_ISSUER: issuer } as Env)).toThrow(
      expect.objectContaining({ option: "COGNITO_ISSUER", message: `COGNITO_ISSUER ${reason}` }),
    );
  });
});

describe("the issuers: COGNITO_USER_POOL_ID or COGNITO_ISSUER", () => {
  it("derives both formats of the pool's Region from COGNITO_USER_POOL_ID", () => {
    expect(configured(withPool()).verifier.issuers).toEqual([
      `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
      `https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL}`,
    ]);
  });

  it("ignores COGNITO_ADDITIONAL_REGIONS, with a warning that names it, says why and cites the source", () => {
    const warnings: string[] = [];
    vi.spyOn(console, "warn").mockImplementation((line: unknown) => void warnings.push(String(line)));
    expect(configured(withPool({ COGNITO_ADDITIONAL_REGIONS: " eu-west-1, us-west-2 " })).verifier.issuers).toEqual([
      `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
      `https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL}`,
    ]);
    const events = warnings.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toEqual([
      expect.objectContaining({
        level: "warn",
        event: "setting_deprecated",
        setting: "COGNITO_ADDITIONAL_REGIONS",
        reason: expect.stringContaining("primary Region's issuer"),
        source: "https://github.com/awslabs/aws-jwt-verify/issues/282",
      }),
    ]);
  });

  it("derives a China pool's issuer on amazonaws.com.cn", () => {
    const pool = "cn-north-1_AbCdEfGhI";
    expect(configured(withPool({ COGNITO_USER_POOL_ID: pool })).verifier.issuers).toEqual([
      `https://cognito-idp.cn-north-1.amazonaws.com.cn/${pool}`,
    ]);
  });

  it.each([
    ["UPDATED", [`https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL}`]],
    ["ORIGINAL", [`https://cognito-idp.us-east-1.amazonaws.com/${POOL}`]],
  ])("narrows to one format with COGNITO_ISSUER_FORMAT=%s", (format, issuers) => {
    expect(configured(withPool({ COGNITO_ISSUER_FORMAT: format })).verifier.issuers).toEqual(issuers);
  });

  it("takes COGNITO_ISSUER as a comma-separated list, and accepts a token of any issuer in it", async () => {
    const local = (await poolInfo()).issuer;
    const vars = { ...env, COGNITO_ISSUER: `https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL} , ${local}` } as Env;
    expect(configured(vars).verifier.issuers).toEqual([`https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL}`, local]);
    const request = new Request("http://myservice/weatherforecast", { headers: { Authorization: `Bearer ${await tokenFor()}` } });
    expect((await app.fetch(request, vars)).status).toBe(200);
  });

  it("answers 401, not 500, to a token of an issuer it is not configured for (a wrong format, say)", async () => {
    const warnings: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void warnings.push(String(line)));
    vi.spyOn(console, "warn").mockImplementation((line: unknown) => void warnings.push(String(line)));
    const request = new Request("http://myservice/weatherforecast", { headers: { Authorization: `Bearer ${await tokenFor()}` } });
    const response = await app.fetch(request, withPool());
    expect(response.status).toBe(401);
    expect(warnings.join("\n")).toContain("ISSUER");
  });

  it("keeps the token URL default of the issuer's origin for COGNITO_ISSUER (cognito-local)", () => {
    const vars = { COGNITO_ISSUER: `${COGNITO}/${POOL}`, COGNITO_ALLOWED_CLIENT_IDS: "*" } as unknown as Env;
    expect(readServiceConfig(vars).verifierOptions).toEqual({ issuer: [`${COGNITO}/${POOL}`], clientIds: "*" });
    expect(configured(vars).tokenUrl).toBe(`${COGNITO}/oauth2/token`);
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

describe("LOG_LEVEL", () => {
  // The middleware is built before any env is seen: its lines follow the settings' level.
  const forged = (extra: Record<string, unknown>) =>
    app.fetch(new Request("http://myservice/weatherforecast", { headers: { Authorization: "Bearer not.a.jwt" } }), {
      ...env,
      ...extra,
    } as Env);

  it.each([
    ["info", ["auth_rejected"]],
    ["warn", []],
  ])("at %s, a request with a malformed token logs %j", async (level, events) => {
    const lines = captureConsole();
    expect((await forged({ LOG_LEVEL: level })).status).toBe(401);
    expect(lines.map((line) => JSON.parse(line).event)).toEqual(events);
  });
});

describe("JWKS_SHARED_CACHE", () => {
  it("shares the key set by default, with the secret; off turns it off; without the secret it is off, with a warning", () => {
    // The test stack's secret (scripts/dev-settings.mjs): a secret is not part of the generated Env.
    const secret = (env as unknown as Record<string, string>).JWKS_SHARED_CACHE_SECRET;
    expect(secret).toMatch(/^.{32,}$/);
    expect(readServiceConfig(env).sharedKeySet).toEqual({ secret });
    expect(readServiceConfig({ ...env, JWKS_SHARED_CACHE: "off" }).sharedKeySet).toBeNull();
    const lines = captureConsole();
    const { verifier } = configured({ ...env, JWKS_SHARED_CACHE_SECRET: undefined } as unknown as Env);
    expect(verifier).toBeDefined();
    expect(lines.map((line) => JSON.parse(line).event)).toContain("jwks_sharing_off");
  });
});
