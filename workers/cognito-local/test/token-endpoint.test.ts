// Conformance of cognito-local's token endpoint with Amazon Cognito's, for the
// client-credentials grant: every error for its bad input, and the token's shape.
// Source for each behaviour: https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
// unless a test names another page.
import { JwtVerifier } from "aws-jwt-verify";
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

let cognito: CognitoLocal;
let pool: PoolInfo;
let bffId: string;

beforeAll(async () => {
  cognito = await startCognitoLocal({
    templateYaml: templateWithExtraClients(),
    bindings: EXTRA_CLIENT_SECRETS,
  });
  pool = await poolInfo(cognito);
  bffId = clientIdOf(pool, "MyBFF");
});
afterAll(() => cognito?.dispose());

const post = (fields: Record<string, string>, init: RequestInit = {}) => {
  const form = tokenForm(fields);
  return cognito.fetch("/oauth2/token", { ...form, ...init, headers: { ...form.headers, ...init.headers } });
};

// Cognito's "general map of the response body": 400, application/json;charset=UTF-8, {"error": "..."}.
async function expectOAuthError(response: Response, error: string) {
  expect(response.status).toBe(400);
  expect(response.headers.get("Content-Type")).toBe("application/json;charset=UTF-8");
  expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  expect(await response.json()).toEqual({ error });
}

async function expectEmpty405(response: Response) {
  expect(response.status).toBe(405);
  expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  expect(await response.text()).toBe("");
}

describe("POST /oauth2/token errors", () => {
  it("refuses a wrong secret with invalid_client", async () => {
    await expectOAuthError(
      await post({ grant_type: "client_credentials", client_id: bffId, client_secret: `${DEV_SECRET}x` }),
      "invalid_client",
    );
  });

  it("refuses a missing secret with invalid_client", async () => {
    await expectOAuthError(await post({ grant_type: "client_credentials", client_id: bffId }), "invalid_client");
  });

  it("refuses an unknown client with invalid_client", async () => {
    await expectOAuthError(
      await post({ grant_type: "client_credentials", client_id: "unknownclient0000000000000", client_secret: DEV_SECRET }),
      "invalid_client",
    );
  });

  it("refuses a missing client_id with invalid_client", async () => {
    await expectOAuthError(await post({ grant_type: "client_credentials", client_secret: DEV_SECRET }), "invalid_client");
  });

  it("refuses a client without the client_credentials flow with unauthorized_client", async () => {
    await expectOAuthError(
      await post({ grant_type: "client_credentials", client_id: clientIdOf(pool, "NoFlow"), client_secret: "no-flow-secret" }),
      "unauthorized_client",
    );
  });

  it("refuses a scope the client is not allowed with invalid_scope", async () => {
    await expectOAuthError(
      await post({ grant_type: "client_credentials", client_id: bffId, client_secret: DEV_SECRET, scope: "OtherService/read" }),
      "invalid_scope",
    );
  });

  it("refuses a scope nobody defines with invalid_scope", async () => {
    await expectOAuthError(
      await post({ grant_type: "client_credentials", client_id: bffId, client_secret: DEV_SECRET, scope: "MyService/weather_write" }),
      "invalid_scope",
    );
  });

  it("refuses a grant type Cognito does not know with unsupported_grant_type", async () => {
    await expectOAuthError(await post({ grant_type: "password", client_id: bffId, client_secret: DEV_SECRET }), "unsupported_grant_type");
  });

  it("refuses the code grant for a client without the code flow with unauthorized_client", async () => {
    await expectOAuthError(
      await post({
        grant_type: "authorization_code",
        code: "abc",
        redirect_uri: "https://app.example/",
        client_id: bffId,
        client_secret: DEV_SECRET,
      }),
      "unauthorized_client",
    );
  });

  it("refuses a code grant of a code-flow client: invalid_request without a code, invalid_grant for a code it never issued", async () => {
    const noFlow = { client_id: clientIdOf(pool, "NoFlow"), client_secret: "no-flow-secret" };
    await expectOAuthError(await post({ grant_type: "authorization_code", ...noFlow }), "invalid_request");
    await expectOAuthError(await post({ grant_type: "authorization_code", code: "never-issued", ...noFlow }), "invalid_grant");
  });

  it("refuses a refresh token it never issued with invalid_grant (client-credentials clients get none)", async () => {
    await expectOAuthError(
      await post({ grant_type: "refresh_token", refresh_token: "never-issued", client_id: bffId, client_secret: DEV_SECRET }),
      "invalid_grant",
    );
  });

  it("refuses a missing grant_type with invalid_request", async () => {
    await expectOAuthError(await post({ client_id: bffId, client_secret: DEV_SECRET }), "invalid_request");
  });

  it("refuses a repeated parameter with invalid_request", async () => {
    const response = await cognito.fetch("/oauth2/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `grant_type=client_credentials&client_id=${bffId}&client_secret=${DEV_SECRET}&scope=a&scope=b`,
    });
    await expectOAuthError(response, "invalid_request");
  });

  it("refuses credentials both in the header and in the body with invalid_request", async () => {
    await expectOAuthError(
      await post(
        { grant_type: "client_credentials", client_id: bffId, client_secret: DEV_SECRET },
        { headers: { Authorization: `Basic ${btoa(`${bffId}:${DEV_SECRET}`)}` } },
      ),
      "invalid_request",
    );
  });

  it("refuses malformed Basic credentials with invalid_client", async () => {
    await expectOAuthError(
      await post({ grant_type: "client_credentials" }, { headers: { Authorization: "Basic !!!not-base64" } }),
      "invalid_client",
    );
  });

  it('refuses GET with 405, Allow: POST and no body (the endpoint "only supports HTTPS POST")', async () => {
    const response = await cognito.fetch("/oauth2/token");
    expect(response.headers.get("Allow")).toBe("POST");
    await expectEmpty405(response);
  });

  it.each([
    ["application/json", JSON.stringify({ grant_type: "client_credentials", client_id: "x", client_secret: "y" })],
    ["text/plain", "grant_type=client_credentials"],
    ["multipart/form-data; boundary=b", "--b--"],
  ])("refuses a %s body with 405 and an empty body, as Cognito does", async (contentType, body) => {
    await expectEmpty405(await cognito.fetch("/oauth2/token", { method: "POST", headers: { "Content-Type": contentType }, body }));
  });

  it("refuses a POST with no Content-Type with 405 and an empty body", async () => {
    await expectEmpty405(await cognito.fetch("/oauth2/token", { method: "POST", body: new Uint8Array([1]) }));
  });

  it("refuses an oversized body with invalid_request", async () => {
    await expectOAuthError(
      await post({ grant_type: "client_credentials", client_id: bffId, client_secret: DEV_SECRET, pad: "x".repeat(10_000) }),
      "invalid_request",
    );
  });

  it("counts rejected requests by error and issued tokens by client", async () => {
    await cognito.fetch("/_dev/stats/reset", { method: "POST" });
    await post({ grant_type: "client_credentials", client_id: bffId, client_secret: "wrong" });
    await post({ grant_type: "client_credentials", client_id: bffId, client_secret: DEV_SECRET });
    await post({ grant_type: "client_credentials", client_id: bffId, client_secret: DEV_SECRET });
    const stats = (await (await cognito.fetch("/_dev/stats")).json()) as Record<string, unknown>;
    expect(stats).toEqual({ tokensIssued: { [bffId]: 2 }, tokensIssuedTotal: 2, rejected: { invalid_client: 1 }, jwksRequests: 0 });
  });
});

describe('CORS of the token endpoint ("Access-Control-Allow-Origin: *")', () => {
  it("answers the browser's preflight for a Basic-authenticated form POST", async () => {
    const response = await cognito.fetch("/oauth2/token", {
      method: "OPTIONS",
      headers: {
        Origin: "http://127.0.0.1:8787",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-requested-with",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Allow-Methods")).toBe("POST");
    const allowed = response.headers
      .get("Access-Control-Allow-Headers")!
      .toLowerCase()
      .split(/\s*,\s*/);
    // Swagger UI's Authorize sends X-Requested-With too.
    expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type", "x-requested-with"]));
  });

  it("allows what a token request needs when the preflight names no headers, and echoes nothing that is not a header list", async () => {
    for (const requested of [undefined, "x\r\nSet-Cookie: a=b", "a;b"]) {
      const headers: Record<string, string> = { Origin: "http://127.0.0.1:8787", "Access-Control-Request-Method": "POST" };
      if (requested !== undefined) headers["Access-Control-Request-Headers"] = requested.replace(/\r\n/g, " ");
      const response = await cognito.fetch("/oauth2/token", { method: "OPTIONS", headers });
      expect(response.headers.get("Access-Control-Allow-Headers")).toBe("Authorization, Content-Type");
    }
  });

  it("sends Access-Control-Allow-Origin: * on a token, whatever the Origin", async () => {
    const response = await post(
      { grant_type: "client_credentials", client_id: bffId, client_secret: DEV_SECRET },
      { headers: { Origin: "https://app.example" } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });
});

describe("POST /oauth2/token success", () => {
  async function tokenFrom(response: Response) {
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in", "token_type"]);
    expect(body.token_type).toBe("Bearer");
    return body as { access_token: string; expires_in: number };
  }

  it("authenticates with the secret in the body, as the reference post's curl does", async () => {
    const body = await tokenFrom(await post({ grant_type: "client_credentials", client_id: bffId, client_secret: DEV_SECRET }));
    expect(body.expires_in).toBe(3600);
  });

  it("authenticates with Authorization: Basic", async () => {
    const credentials = Buffer.from(`${bffId}:${DEV_SECRET}`).toString("base64");
    await tokenFrom(await post({ grant_type: "client_credentials" }, { headers: { Authorization: `Basic ${credentials}` } }));
  });

  it("issues a token with Cognito's header and exactly Cognito's client-credentials claims", async () => {
    const { access_token: token } = await tokenFrom(
      await post({ grant_type: "client_credentials", client_id: bffId, client_secret: DEV_SECRET }),
    );
    const header = decodeJwtPart(token, 0);
    expect(Object.keys(header).sort()).toEqual(["alg", "kid"]);
    expect(header.alg).toBe("RS256");

    const claims = decodeJwtPart(token, 1);
    expect(Object.keys(claims).sort()).toEqual([
      "auth_time",
      "client_id",
      "exp",
      "iat",
      "iss",
      "jti",
      "scope",
      "sub",
      "token_use",
      "version",
    ]);
    expect(claims).toMatchObject({
      sub: bffId,
      client_id: bffId,
      token_use: "access",
      scope: "MyService/weather_read",
      iss: pool.issuer,
      version: 2,
    });
    expect(claims.exp).toBe((claims.iat as number) + 3600);
    expect(claims.auth_time).toBe(claims.iat);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(pool.poolId).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/);
    expect(bffId).toMatch(/^[a-z0-9]{26}$/);
  });

  it("grants every allowed scope when none is asked for, and the lifetime the template sets", async () => {
    const { access_token: token, expires_in } = await tokenFrom(
      await post({ grant_type: "client_credentials", client_id: clientIdOf(pool, "Other"), client_secret: "other-secret" }),
    );
    expect(expires_in).toBe(600);
    expect(decodeJwtPart(token, 1).scope).toBe("OtherService/read");
  });

  it("issues tokens that aws-jwt-verify accepts against the published JWKS", async () => {
    const { access_token: token } = await tokenFrom(
      await post({ grant_type: "client_credentials", client_id: bffId, client_secret: DEV_SECRET, scope: "MyService/weather_read" }),
    );
    const discovery = (await (await cognito.fetch(`/${pool.poolId}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(discovery.issuer).toBe(pool.issuer);
    expect(discovery.jwks_uri).toBe(`${pool.issuer}/.well-known/jwks.json`);

    const jwks = await (await cognito.fetch(new URL(discovery.jwks_uri).pathname)).json();
    const verifier = JwtVerifier.create({
      issuer: discovery.issuer,
      audience: null,
      jwksUri: discovery.jwks_uri,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== "access") throw new Error("not an access token");
      },
    });
    verifier.cacheJwks(jwks as never);
    const payload = await verifier.verify(token);
    expect(payload.client_id).toBe(bffId);

    const tampered = `${token.slice(0, -4)}${token.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    await expect(verifier.verify(tampered)).rejects.toThrow();
  });
});

describe("hosts and origins (loopback only, exactly)", () => {
  it.each([
    "http://cognito.example.com/_dev/pool",
    "http://127.attacker.example/_dev/pool",
    "http://127.0.0.1.nip.io/_dev/pool",
    "http://localhost.attacker.example/_dev/pool",
    "http://[::2]/_dev/pool",
  ])("refuses %s", async (url) => {
    const response = await cognito.fetch(url);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toBe("forbidden");
  });

  it.each([
    "http://localhost:8789/_dev/pool",
    "http://127.0.0.1:8789/_dev/pool",
    "http://127.255.0.9:8789/_dev/pool",
    "http://[::1]:8789/_dev/pool",
  ])("answers %s", async (url) => {
    expect((await cognito.fetch(url)).status).toBe(200);
  });

  it.each(["https://attacker.example", "http://127.attacker.example", "null"])(
    "refuses a /_dev request from a page whose Origin is %s, and keeps the keys",
    async (origin) => {
      const before = await (await cognito.fetch(`/${pool.poolId}/.well-known/jwks.json`)).text();
      const rotate = await cognito.fetch("/_dev/keys/rotate?dropPrevious=true", { method: "POST", headers: { Origin: origin } });
      expect(rotate.status).toBe(403);
      expect((await cognito.fetch("/_dev/stats", { headers: { Origin: origin } })).status).toBe(403);
      expect(await (await cognito.fetch(`/${pool.poolId}/.well-known/jwks.json`)).text()).toBe(before);
    },
  );

  it("serves /_dev to a page of this machine (MyBFF's, say)", async () => {
    expect((await cognito.fetch("/_dev/stats", { headers: { Origin: "http://127.0.0.1:8788" } })).status).toBe(200);
  });
});
