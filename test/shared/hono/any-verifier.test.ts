// The middleware with verifiers other than Cognito's: the generic JwtVerifier with its
// scope claim named, and any object with verify and verifyCached; the events of the
// middleware and of the error handler going to the logger they were given.
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError, TokenRejectedError } from "../../../shared/errors";
import { type AccessTokenVariables, type AccessTokenVerifier, accessTokenAuth } from "../../../shared/hono/access-token-auth";
import { problemErrorHandler } from "../../../shared/hono/problem";
import { JwtVerifier } from "../../../shared/jwt/jwt-verifier";
import type { LogFields, Logger, LogLevel } from "../../../shared/log";
import { securedRoute } from "../../../shared/openapi/secured-route";
import { captureConsole } from "../../workerd/captured-work";
import { TestIssuer, WEATHER_READ } from "../../workerd/test-issuer";

type Payload = Record<string, unknown>;

let issuer: TestIssuer;
let verifier: JwtVerifier<Payload>;

beforeEach(async () => {
  issuer = await TestIssuer.create("https://auth.example.com");
  verifier = new JwtVerifier<Payload>({
    issuer: issuer.issuer,
    audience: "*",
    jwks: { fetch: issuer.fetch },
    claims: (payload) => payload,
  });
});

afterEach(() => vi.restoreAllMocks());

function recording(): { logger: Logger; events: { level: LogLevel; event: string; fields: LogFields }[] } {
  const events: { level: LogLevel; event: string; fields: LogFields }[] = [];
  return { logger: (level, event, fields) => void events.push({ level, event, fields }), events };
}

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

describe("the generic JwtVerifier", () => {
  it("reads the scopes of a space-separated claim named by scopeClaim", async () => {
    const app = new Hono().get("/read", accessTokenAuth({ verifier, requiredScopes: [[WEATHER_READ]], scopeClaim: "scope" }), (c) =>
      c.json({ sub: c.var.accessToken.sub }),
    );
    const granted = await app.request("/read", bearer(await issuer.sign(issuer.claims({ scope: `other ${WEATHER_READ}` }))));
    expect(granted.status).toBe(200);
    expect(await granted.json()).toEqual({ sub: issuer.claims().sub });
    const refused = await app.request("/read", bearer(await issuer.sign(issuer.claims({ scope: "other" }))));
    expect(refused.status).toBe(403);
  });

  it("reads an array claim (scp) the same way, and refuses a scope only in another claim", async () => {
    const app = new Hono().get("/read", accessTokenAuth({ verifier, requiredScopes: [[WEATHER_READ]], scopeClaim: "scp" }), (c) =>
      c.text("ok"),
    );
    expect((await app.request("/read", bearer(await issuer.sign(issuer.claims({ scp: [WEATHER_READ] }))))).status).toBe(200);
    expect((await app.request("/read", bearer(await issuer.sign(issuer.claims({ scope: WEATHER_READ }))))).status).toBe(403);
  });

  it("grants nothing from a claim of another type", async () => {
    const app = new Hono().get("/read", accessTokenAuth({ verifier, requiredScopes: [[WEATHER_READ]], scopeClaim: "scope" }), (c) =>
      c.text("ok"),
    );
    const token = await issuer.sign(issuer.claims({ scope: { [WEATHER_READ]: true } }));
    expect((await app.request("/read", bearer(token))).status).toBe(403);
  });

  it("without scopeClaim reads `scopes`, which a payload does not have: a scoped route refuses, an unscoped one admits", async () => {
    const app = new Hono()
      .get("/read", accessTokenAuth({ verifier, requiredScopes: [[WEATHER_READ]] }), (c) => c.text("ok"))
      .get("/any", accessTokenAuth({ verifier, requiredScopes: [[]] }), (c) => c.text("ok"));
    const token = await issuer.sign();
    expect((await app.request("/read", bearer(token))).status).toBe(403);
    expect((await app.request("/any", bearer(token))).status).toBe(200);
  });

  it("protects an OpenAPI route, whose handler sees the verified token typed", async () => {
    const route = createRoute({
      method: "get",
      path: "/read",
      security: [{ bearer: [WEATHER_READ] }],
      responses: { 200: { description: "ok" } },
    });
    const app = new OpenAPIHono().openapi(securedRoute(route, { verifier, scopeClaim: "scope", securityScheme: "bearer" }), (c) =>
      c.json({ iss: c.var.accessToken.iss }, 200),
    );
    const response = await app.request("/read", bearer(await issuer.sign()));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ iss: issuer.issuer });
    expect((await app.request("/read", bearer(await issuer.sign(issuer.claims({ scope: "" }))))).status).toBe(403);
    expect(() => securedRoute(route, { verifier })).toThrow(/only the "cognito"/);
  });
});

describe("any verifier with verify and verifyCached", () => {
  it("is asked synchronously first, and its verdict is the context variable", async () => {
    const calls: string[] = [];
    const stub: AccessTokenVerifier<{ user: string; scopes: string[] }> = {
      verifyCached: (token) => {
        calls.push(`cached ${token}`);
        return token === "known" ? { user: "k", scopes: ["s"] } : undefined;
      },
      verify: async (token) => {
        calls.push(`verify ${token}`);
        if (token === "bad") throw new TokenRejectedError("SIGNATURE_INVALID", "no");
        return { user: "n", scopes: ["s"] };
      },
    };
    const app = new Hono<{ Variables: AccessTokenVariables<{ user: string }> }>().get(
      "/",
      accessTokenAuth({ verifier: stub, requiredScopes: [["s"]] }),
      (c) => c.text(c.var.accessToken.user),
    );
    expect(await (await app.request("/", bearer("known"))).text()).toBe("k");
    expect(await (await app.request("/", bearer("new"))).text()).toBe("n");
    expect((await app.request("/", bearer("bad"))).status).toBe(401);
    expect(calls).toEqual(["cached known", "cached new", "verify new", "cached bad", "verify bad"]);
  });

  it("serves with verify alone (verifyCached is optional), and is refused at creation without verify", async () => {
    const verifyOnly: AccessTokenVerifier<{ scopes: string[] }> = { verify: async () => ({ scopes: ["s"] }) };
    const app = new Hono().get("/", accessTokenAuth({ verifier: verifyOnly, requiredScopes: [["s"]] }), (c) => c.text("ok"));
    expect((await app.request("/", bearer("any"))).status).toBe(200);
    const cachedOnly = { verifyCached: () => undefined } as unknown as AccessTokenVerifier<object>;
    expect(() => accessTokenAuth({ verifier: cachedOnly, requiredScopes: [[]] })).toThrow(ConfigError);
    expect(() => accessTokenAuth({ verifier, requiredScopes: [[]], scopeClaim: "" as never })).toThrow(ConfigError);
  });
});

describe("the logger option", () => {
  it("receives the middleware's events, and nothing is written to the console", async () => {
    const lines = captureConsole();
    const { logger, events } = recording();
    const app = new Hono().get("/read", accessTokenAuth({ verifier, requiredScopes: [[WEATHER_READ]], scopeClaim: "scope", logger }), (c) =>
      c.text("ok"),
    );
    await app.request("/read", bearer(await issuer.sign(issuer.claims({ scope: "other", client_id: "c1" }))));
    await app.request("/read", { headers: { Authorization: "Bearer a b" } });
    expect(events).toEqual([
      { level: "info", event: "auth_rejected", fields: { code: "INSUFFICIENT_SCOPE", client: "c1" } },
      { level: "info", event: "auth_rejected", fields: { code: "AUTHORIZATION_MALFORMED", reason: expect.any(String) } },
    ]);
    expect(lines).toEqual([]);
  });

  it("defaults to JSON lines on the console", async () => {
    const lines = captureConsole();
    const app = new Hono().get("/read", accessTokenAuth({ verifier, requiredScopes: [[WEATHER_READ]], scopeClaim: "scope" }), (c) =>
      c.text("ok"),
    );
    await app.request("/read", bearer(await issuer.sign(issuer.claims({ scope: "other" }))));
    expect(lines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ level: "info", event: "auth_rejected" })]);
  });

  it("receives the error handler's unhandled_error, by name and code only", async () => {
    const lines = captureConsole();
    const { logger, events } = recording();
    const app = new Hono().get("/", () => {
      throw Object.assign(new RangeError("secret-input"), { code: "BOOM" });
    });
    app.onError(problemErrorHandler({ logger }));
    const response = await app.request("/");
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: "internal_error" });
    expect(events).toEqual([{ level: "error", event: "unhandled_error", fields: { name: "RangeError", code: "BOOM" } }]);
    expect(lines).toEqual([]);
  });
});
