// The generic verifier's audience (RFC 9068 section 4: a token made for another API is
// refused) and its RFC 9068 profile (`typ` at+jwt and the claims the profile requires),
// with real keys and tokens; the Cognito verifier needs neither.
import { Hono } from "hono";
import { beforeEach, describe, expect, it } from "vitest";
import { CognitoAccessTokenVerifier } from "../../../shared/cognito/cognito-verifier";
import { ConfigError, TokenRejectedError } from "../../../shared/errors";
import { accessTokenAuth } from "../../../shared/hono/access-token-auth";
import { JwtVerifier, type JwtVerifierOptions } from "../../../shared/jwt/jwt-verifier";
import { silentLogger } from "../../../shared/log";
import { TEST_CLIENT_ID, TestIssuer, WEATHER_READ } from "../../workerd/test-issuer";

type Payload = Record<string, unknown>;
const ISSUER = "https://auth.example.com";
const API = "https://api.example.com";
const OTHER_API = "https://other.example.com";
const COGNITO = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1";

let issuer: TestIssuer;
beforeEach(async () => {
  issuer = await TestIssuer.create(ISSUER);
});

function verifierWith(options: Partial<JwtVerifierOptions<Payload>>): JwtVerifier<Payload> {
  return new JwtVerifier<Payload>({
    issuer: ISSUER,
    jwks: { fetch: issuer.fetch },
    logger: silentLogger,
    claims: (payload) => payload,
    ...options,
  });
}

async function rejection(verifier: JwtVerifier<Payload>, token: string): Promise<{ code: string; claim?: string }> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TokenRejectedError);
  const { code, claim } = error as TokenRejectedError;
  return claim === undefined ? { code } : { code, claim };
}

function optionOf(build: () => unknown): string | undefined {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).option;
  }
  return undefined;
}

/** An RFC 9068 access token's claims (section 2.2), for the API unless overridden. */
function accessTokenClaims(overrides: Payload = {}): Payload {
  return { ...issuer.claims({ aud: API, client_id: TEST_CLIENT_ID, jti: crypto.randomUUID() }), ...overrides };
}

describe("audience, configured", () => {
  it("is required of a generic verifier, unless given as '*'", () => {
    expect(optionOf(() => verifierWith({}))).toBe("audience");
    expect(optionOf(() => verifierWith({ audience: "*" }))).toBeUndefined();
    expect(optionOf(() => verifierWith({ audience: API }))).toBeUndefined();
    expect(optionOf(() => verifierWith({ audience: [API, OTHER_API] }))).toBeUndefined();
  });

  it("refuses an empty value, an empty list, and '*' inside a list", () => {
    for (const audience of ["", [], [API, "*"], [API, ""], [42]]) {
      expect(optionOf(() => verifierWith({ audience: audience as string[] }))).toBe("audience");
    }
  });

  it("may be left out when every issuer is a Cognito pool (its access tokens have no aud), and only then", () => {
    expect(optionOf(() => verifierWith({ issuer: COGNITO }))).toBeUndefined();
    expect(optionOf(() => verifierWith({ issuer: [COGNITO, COGNITO.replace("cognito-idp", "issuer-cognito-idp")] }))).toBeUndefined();
    expect(optionOf(() => verifierWith({ issuer: [COGNITO, ISSUER] }))).toBe("audience");
    expect(optionOf(() => verifierWith({ issuer: "https://cognito-idp.us-east-1.amazonaws.com.attacker.example/pool" }))).toBe("audience");
  });

  it("is not asked of the Cognito verifier, whatever its issuer (a local one included)", async () => {
    const local = await TestIssuer.create("http://127.0.0.1:8789/local_pool");
    const cognito = new CognitoAccessTokenVerifier({ issuer: local.issuer, clientIds: "*", jwks: { fetch: local.fetch } });
    const token = await cognito.verify(await local.sign());
    expect(token.client_id).toBe(TEST_CLIENT_ID);
  });
});

describe("audience, checked", () => {
  it("accepts a token whose aud names the API, as a string or in an array", async () => {
    const verifier = verifierWith({ audience: API });
    expect((await verifier.verify(await issuer.sign(issuer.claims({ aud: API })))).aud).toBe(API);
    expect((await verifier.verify(await issuer.sign(issuer.claims({ aud: [OTHER_API, API] })))).aud).toEqual([OTHER_API, API]);
  });

  it("accepts any of several configured audiences", async () => {
    const verifier = verifierWith({ audience: [OTHER_API, API] });
    expect((await verifier.verify(await issuer.sign(issuer.claims({ aud: API })))).aud).toBe(API);
  });

  it("refuses a token for another API, or with no aud, as AUDIENCE_MISMATCH", async () => {
    const verifier = verifierWith({ audience: API });
    // Compared exactly: no prefix, case or trailing-slash matching.
    for (const aud of [OTHER_API, [OTHER_API], [], undefined, `${API}/`, API.toUpperCase()]) {
      const token = await issuer.sign(issuer.claims({ aud }));
      expect(await rejection(verifier, token)).toEqual({ code: "AUDIENCE_MISMATCH", claim: "aud" });
    }
  });

  it("refuses an aud of another type as CLAIM_INVALID", async () => {
    const verifier = verifierWith({ audience: API });
    for (const aud of [42, { [API]: true }, [API, 42]]) {
      expect(await rejection(verifier, await issuer.sign(issuer.claims({ aud })))).toEqual({ code: "CLAIM_INVALID", claim: "aud" });
    }
  });

  it("with '*' accepts any aud, and none", async () => {
    const verifier = verifierWith({ audience: "*" });
    expect((await verifier.verify(await issuer.sign(issuer.claims({ aud: OTHER_API })))).aud).toBe(OTHER_API);
    expect((await verifier.verify(await issuer.sign(issuer.claims()))).aud).toBeUndefined();
  });

  it("makes the middleware answer 401 to a token for another API that holds the right scope", async () => {
    const verifier = verifierWith({ audience: API });
    const app = new Hono().get(
      "/read",
      accessTokenAuth({ verifier, requiredScopes: [[WEATHER_READ]], scopeClaim: "scope", logger: silentLogger }),
      (c) => c.text("ok"),
    );
    const request = async (aud: string) =>
      app.request("/read", { headers: { Authorization: `Bearer ${await issuer.sign(issuer.claims({ aud }))}` } });
    expect((await request(API)).status).toBe(200);
    const refused = await request(OTHER_API);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });
});

describe("profile: 'rfc9068'", () => {
  const profiled = () => verifierWith({ audience: API, profile: "rfc9068" });

  it("accepts an access token typed at+jwt or application/at+jwt (any case)", async () => {
    for (const typ of ["at+jwt", "application/at+jwt", "AT+JWT"]) {
      const claims = accessTokenClaims();
      expect((await profiled().verify(await issuer.sign(claims, { header: { typ } }))).jti).toBe(claims.jti);
    }
  });

  it("refuses any other typ, and none, as TOKEN_TYPE_INVALID", async () => {
    for (const typ of ["JWT", "jwt", "application/jwt", undefined]) {
      const token = await issuer.sign(accessTokenClaims(), { header: typ === undefined ? {} : { typ } });
      expect(await rejection(profiled(), token)).toEqual({ code: "TOKEN_TYPE_INVALID" });
    }
  });

  it.each(["aud", "sub", "client_id", "jti"])("refuses a token without %s as CLAIM_INVALID", async (claim) => {
    const token = await issuer.sign(accessTokenClaims({ [claim]: undefined }), { header: { typ: "at+jwt" } });
    expect(await rejection(verifierWith({ audience: "*", profile: "rfc9068" }), token)).toEqual({ code: "CLAIM_INVALID", claim });
  });

  it("leaves typ alone when off: Cognito-shaped tokens with none are accepted", async () => {
    expect((await verifierWith({ audience: "*" }).verify(await issuer.sign())).sub).toBe(TEST_CLIENT_ID);
  });

  it("is a ConfigError when it names another profile", () => {
    expect(optionOf(() => verifierWith({ audience: API, profile: "rfc7519" as "rfc9068" }))).toBe("profile");
  });
});
