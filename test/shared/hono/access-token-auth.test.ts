// The Hono side of the shared library: RFC 6750 answers, scope policy read from the
// route's OpenAPI declaration, and configuration refused when the route is created.
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { beforeEach, describe, expect, it } from "vitest";
import { CognitoAccessTokenVerifier } from "../../../shared/cognito/cognito-verifier";
import { ConfigError } from "../../../shared/errors";
import { accessTokenAuth } from "../../../shared/hono/access-token-auth";
import { readBearerToken } from "../../../shared/hono/bearer-token";
import { securedRoute } from "../../../shared/openapi/secured-route";
import { TEST_CLIENT_ID, TestIssuer, WEATHER_READ } from "../../workerd/test-issuer";

let issuer: TestIssuer;
let app: OpenAPIHono;

function route(security: Array<Record<string, string[]>>, path = "/weatherforecast") {
  return createRoute({ method: "get", path, security, responses: { 200: { description: "ok" } } });
}

beforeEach(async () => {
  issuer = await TestIssuer.create();
  const verifier = new CognitoAccessTokenVerifier({ issuer: issuer.issuer, clientIds: [TEST_CLIENT_ID], jwks: { fetch: issuer.fetch } });
  app = new OpenAPIHono();
  app.openapi(securedRoute(route([{ cognito: [WEATHER_READ] }]), { verifier }), (c) =>
    c.json({ client: c.var.accessToken.client_id }, 200),
  );
  app.openapi(securedRoute(route([{ cognito: ["a/read", "a/write"] }, { cognito: ["admin/all"] }], "/either"), { verifier }), (c) =>
    c.json({ ok: true }, 200),
  );
  app.openapi(securedRoute(route([{ cognito: [] }], "/any-scope"), { verifier }), (c) => c.json({ ok: true }, 200));
});

async function call(path: string, authorization?: string) {
  const response = await app.request(path, authorization === undefined ? {} : { headers: { Authorization: authorization } });
  return { response, challenge: response.headers.get("WWW-Authenticate"), body: await response.text() };
}

async function withScope(scope: string) {
  return `Bearer ${await issuer.sign(issuer.claims({ scope }))}`;
}

describe("scope policy from the route declaration", () => {
  it("admits a token with the declared scope and gives the handler its claims", async () => {
    const { response, body } = await call("/weatherforecast", await withScope(WEATHER_READ));
    expect(response.status).toBe(200);
    expect(JSON.parse(body)).toEqual({ client: TEST_CLIENT_ID });
  });

  it.each([
    "MyService/weather_read_all",
    "MyService/weather_readx",
    "xMyService/weather_read",
    "MyService/weather",
    "myservice/weather_read",
    "",
  ])("refuses the scope %j with 403 insufficient_scope", async (scope) => {
    const { response, challenge, body } = await call("/weatherforecast", await withScope(scope));
    expect(response.status).toBe(403);
    expect(challenge).toBe(`Bearer error="insufficient_scope", scope="${WEATHER_READ}"`);
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    expect(JSON.parse(body)).toMatchObject({ status: 403, code: "insufficient_scope" });
  });

  it("refuses the scope given in another claim", async () => {
    const token = await issuer.sign(issuer.claims({ scope: "", scp: WEATHER_READ, scopes: [WEATHER_READ] }));
    expect((await call("/weatherforecast", `Bearer ${token}`)).response.status).toBe(403);
  });

  it("needs every scope of one alternative", async () => {
    expect((await call("/either", await withScope("a/read a/write"))).response.status).toBe(200);
    expect((await call("/either", await withScope("admin/all"))).response.status).toBe(200);
    expect((await call("/either", await withScope("a/read admin/none"))).response.status).toBe(403);
  });

  it("admits any valid token on a route that declares no scope", async () => {
    expect((await call("/any-scope", await withScope(""))).response.status).toBe(200);
    expect((await call("/any-scope", "Bearer not.a.token")).response.status).toBe(401);
  });
});

describe("RFC 6750 answers", () => {
  it("answers no credentials with a bare Bearer challenge", async () => {
    const { response, challenge, body } = await call("/weatherforecast");
    expect(response.status).toBe(401);
    expect(challenge).toBe("Bearer");
    expect(JSON.parse(body)).toMatchObject({ status: 401, code: "missing_token" });
  });

  it("answers another scheme as no bearer credentials", async () => {
    const { response, challenge } = await call("/weatherforecast", "Basic dXNlcjpwYXNz");
    expect(response.status).toBe(401);
    expect(challenge).toBe("Bearer");
  });

  it("answers a bad token with invalid_token and a description that holds nothing of it", async () => {
    const token = await issuer.sign(issuer.claims({ client_id: "notallowed" }));
    const { response, challenge, body } = await call("/weatherforecast", `Bearer ${token}`);
    expect(response.status).toBe(401);
    expect(challenge).toBe('Bearer error="invalid_token", error_description="The access token is invalid"');
    for (const part of token.split(".")) {
      expect(body).not.toContain(part);
      expect(challenge).not.toContain(part);
    }
  });

  it("says an expired token expired", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.sign(issuer.claims({ iat: now - 7200, exp: now - 3600 }));
    expect((await call("/weatherforecast", `Bearer ${token}`)).challenge).toBe(
      'Bearer error="invalid_token", error_description="The access token expired"',
    );
  });

  it.each(["Bearer", "Bearer ", "Bearer a b", "Bearer a,b", "Bearer x, Bearer y", "Bearer\ttoken", "BearerToken"])(
    "answers the malformed header %j with 400 invalid_request",
    async (header) => {
      const { response, challenge } = await call("/weatherforecast", header);
      if (header === "BearerToken") {
        // One word is a scheme we do not know: no bearer credentials.
        expect(response.status).toBe(401);
        return;
      }
      expect(response.status).toBe(400);
      expect(challenge).toBe('Bearer error="invalid_request", error_description="The Authorization header is malformed"');
    },
  );

  it.each(["bearer", "BEARER", "BeArEr"])("accepts the scheme written %s", async (scheme) => {
    const token = await issuer.sign();
    expect((await call("/weatherforecast", `${scheme} ${token}`)).response.status).toBe(200);
  });

  it("answers 503 with Retry-After when no key set can be fetched", async () => {
    issuer.behaviour = "down";
    const { response } = await call("/weatherforecast", await withScope(WEATHER_READ));
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("5");
  });
});

describe("a token verified before", () => {
  // A clock of our own, so that a test can move past a token's expiry or the key set's age.
  let clock: number;
  let verifier: CognitoAccessTokenVerifier;
  let verifyCalls: number;
  let pending: Promise<unknown>[];
  let cached: OpenAPIHono;

  beforeEach(() => {
    clock = Date.now();
    verifier = new CognitoAccessTokenVerifier({
      issuer: issuer.issuer,
      clientIds: [TEST_CLIENT_ID],
      jwks: { fetch: issuer.fetch, maxAgeMs: 60_000 },
      now: () => clock,
    });
    verifyCalls = 0;
    const verify = verifier.verify.bind(verifier);
    verifier.verify = (...args) => {
      verifyCalls++;
      return verify(...args);
    };
    pending = [];
    cached = new OpenAPIHono();
    cached.openapi(securedRoute(route([{ cognito: [WEATHER_READ] }]), { verifier }), (c) =>
      c.json({ client: c.var.accessToken.client_id }, 200),
    );
    cached.openapi(securedRoute(route([{ cognito: ["MyService/weather_write"] }], "/write"), { verifier }), (c) => c.json({}, 200));
  });

  const ctx = () => ({ waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} });
  const send = (path: string, token: string) =>
    cached.request(path, { headers: { Authorization: `Bearer ${token}` } }, {}, ctx() as unknown as ExecutionContext);

  it("is answered from the cache, without the asynchronous verification", async () => {
    const token = await issuer.sign();
    expect((await send("/weatherforecast", token)).status).toBe(200);
    expect(verifyCalls).toBe(1);
    const again = await send("/weatherforecast", token);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ client: TEST_CLIENT_ID });
    expect(verifyCalls).toBe(1);
  });

  it("is refused once it has expired, from the cache too", async () => {
    const now = Math.floor(clock / 1000);
    const token = await issuer.sign(issuer.claims({ iat: now, exp: now + 60 }));
    expect((await send("/weatherforecast", token)).status).toBe(200);
    clock += 120_000;
    const late = await send("/weatherforecast", token);
    expect(late.status).toBe(401);
    expect(late.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token", error_description="The access token expired"');
    expect(verifyCalls).toBe(1);
  });

  it("still needs the route's scope", async () => {
    const token = await issuer.sign();
    expect((await send("/weatherforecast", token)).status).toBe(200);
    expect((await send("/write", token)).status).toBe(403);
    expect(verifyCalls).toBe(1);
  });

  it("still starts a background refresh of a key set past its age", async () => {
    const token = await issuer.sign();
    expect((await send("/weatherforecast", token)).status).toBe(200);
    const fetches = issuer.fetchCount;
    clock += 120_000;
    expect((await send("/weatherforecast", token)).status).toBe(200);
    expect(verifyCalls).toBe(1);
    expect(pending).toHaveLength(1);
    await Promise.all(pending);
    expect(issuer.fetchCount).toBe(fetches + 1);
  });
});

describe("configuration", () => {
  const verifier = () =>
    new CognitoAccessTokenVerifier({ issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X", clientIds: "*" });

  it("refuses a route that declares no security", () => {
    expect(() => securedRoute(route([]), { verifier: verifier() })).toThrow(ConfigError);
  });

  it("refuses a route whose security names another scheme", () => {
    expect(() => securedRoute(route([{ apiKey: [] }]), { verifier: verifier() })).toThrow(/only the "cognito"/);
  });

  it("refuses middleware without a verifier or with no scope alternative", () => {
    expect(() => accessTokenAuth({ verifier: undefined as never, requiredScopes: [[]] })).toThrow(ConfigError);
    expect(() => accessTokenAuth({ verifier: verifier(), requiredScopes: [] })).toThrow(ConfigError);
    expect(() => accessTokenAuth({ verifier: verifier(), requiredScopes: [["two words"]] })).toThrow(ConfigError);
  });

  it("answers 500 misconfigured, without details, when the verifier cannot be built", async () => {
    const broken = new OpenAPIHono();
    broken.openapi(
      securedRoute(route([{ cognito: [WEATHER_READ] }]), {
        verifier: () => {
          throw new Error("COGNITO_ISSUER is not set");
        },
      }),
      (c) => c.json({}, 200),
    );
    const response = await broken.request("/weatherforecast", { headers: { Authorization: "Bearer a.b.c" } });
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ code: "misconfigured", detail: "The service is misconfigured." });
    expect(body).not.toContain("COGNITO_ISSUER");
  });
});

describe("readBearerToken", () => {
  it.each([
    [undefined, "missing"],
    ["", "missing"],
    ["Basic abc", "missing"],
    ["Bearer abc.def.ghi", "token"],
    ["Bearer abc.def.ghi=", "token"],
    ["Bearer abc def", "malformed"],
    ["Bearer", "malformed"],
    [" ", "missing"],
    ["!!!", "malformed"],
  ] as const)("reads %j as %s", (header, kind) => {
    expect(readBearerToken(header).kind).toBe(kind);
  });
});
