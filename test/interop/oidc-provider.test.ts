// The generic verifier and the middleware against oidc-provider (an independent,
// OpenID Certified server: ./oidc-provider-issuer.ts), as issue 33 asks: a token the
// same issuer made for another API is refused, by the verifier and with a 401 by the
// middleware; a verifier built from the issuer URL alone finds the keys through the
// issuer's metadata; the RFC 9068 profile holds for its tokens; a key rotated in is
// picked up and one rotated out stops verifying.
import { Hono } from "hono";
import { decodeJwt, decodeProtectedHeader, importJWK, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscoveringJwtVerifier } from "../../shared/discovery/discovering-jwt-verifier";
import { fetchIssuerMetadata } from "../../shared/discovery/issuer-metadata";
import { ConfigError, JwksUnavailableError, TokenRejectedError } from "../../shared/errors";
import { accessTokenAuth } from "../../shared/hono/access-token-auth";
import { JwtVerifier, type JwtVerifierOptions } from "../../shared/jwt/jwt-verifier";
import { silentLogger } from "../../shared/log";
import { API, BASIC_CLIENT, OidcProviderIssuer, OTHER_API, signingKey } from "./oidc-provider-issuer";

type Payload = Record<string, unknown>;

let issuer: OidcProviderIssuer;
let firstKey: JWK;

beforeAll(async () => {
  firstKey = await signingKey("interop-key-1");
  issuer = await OidcProviderIssuer.start([firstKey]);
});

afterAll(async () => {
  await issuer?.stop();
});

/** The generic verifier for API, with oidc-provider's jwks_uri given by hand. */
function verifierFor(options: Partial<JwtVerifierOptions<Payload>> = {}): JwtVerifier<Payload> {
  return new JwtVerifier<Payload>({
    issuer: issuer.issuer,
    jwksUri: `${issuer.issuer}/jwks`,
    audience: API,
    profile: "rfc9068",
    logger: silentLogger,
    claims: (payload) => payload,
    ...options,
  });
}

async function rejection(verify: Promise<unknown>): Promise<string> {
  const error = await verify.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TokenRejectedError);
  return (error as TokenRejectedError).code;
}

describe("oidc-provider's tokens", () => {
  it("are RFC 9068 access tokens whose aud is the requested resource (what the tests below rely on)", async () => {
    const token = await issuer.token({ resource: OTHER_API });
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: "at+jwt", alg: "RS256", kid: "interop-key-1" });
    expect(decodeJwt(token)).toMatchObject({ iss: issuer.issuer, aud: OTHER_API, client_id: BASIC_CLIENT.id, sub: BASIC_CLIENT.id });
  });
});

describe("audience", () => {
  it("accepts a token for the API's resource", async () => {
    const claims = await verifierFor().verify(await issuer.token({ resource: API, scope: "reports:read" }));
    expect(claims).toMatchObject({ aud: API, client_id: BASIC_CLIENT.id, scope: "reports:read" });
  });

  it("refuses a token the same issuer made for another API, with the same scope, as AUDIENCE_MISMATCH", async () => {
    const token = await issuer.token({ resource: OTHER_API, scope: "reports:read" });
    expect(await rejection(verifierFor().verify(token))).toBe("AUDIENCE_MISMATCH");
    // What 2f77112 did without an audience, said explicitly now: any aud is accepted.
    expect((await verifierFor({ audience: "*" }).verify(token)).aud).toBe(OTHER_API);
  });

  it("must be configured for an issuer that is not Cognito", () => {
    let error: unknown;
    try {
      new JwtVerifier({ issuer: issuer.issuer, jwksUri: `${issuer.issuer}/jwks`, claims: (payload) => payload });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).option).toBe("audience");
  });
});

describe("the middleware, with a verifier built from the issuer URL alone", () => {
  function app() {
    const verifier = new DiscoveringJwtVerifier<Payload>({
      issuer: issuer.issuer,
      audience: API,
      profile: "rfc9068",
      logger: silentLogger,
      claims: (payload) => payload,
    });
    return new Hono().get(
      "/reports",
      accessTokenAuth({ verifier, requiredScopes: [["reports:read"]], scopeClaim: "scope", logger: silentLogger }),
      (c) => c.json({ client: c.var.accessToken.client_id }),
    );
  }
  const get = (routes: Hono, token: string) => routes.request("/reports", { headers: { Authorization: `Bearer ${token}` } });

  it("admits a token for the API with the scope (200)", async () => {
    const response = await get(app(), await issuer.token({ resource: API, scope: "reports:read" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ client: BASIC_CLIENT.id });
  });

  it("answers 401 invalid_token to a token for another API that holds the scope", async () => {
    const response = await get(app(), await issuer.token({ resource: OTHER_API, scope: "reports:read" }));
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });

  it("answers 403 insufficient_scope to a token for the API without the scope", async () => {
    const response = await get(app(), await issuer.token({ resource: API, scope: "reports:write" }));
    expect(response.status).toBe(403);
    expect(response.headers.get("WWW-Authenticate")).toContain('error="insufficient_scope"');
  });
});

describe("discovery", () => {
  it("reads oidc-provider's metadata: its issuer exactly, jwks_uri and token_endpoint", async () => {
    expect(await fetchIssuerMetadata(issuer.issuer)).toEqual({
      issuer: issuer.issuer,
      jwks_uri: `${issuer.issuer}/jwks`,
      token_endpoint: issuer.tokenEndpoint,
    });
  });

  it("is what a verifier with the issuer alone needs: <issuer>/.well-known/jwks.json is not where oidc-provider's keys are", async () => {
    const token = await issuer.token({ resource: API });
    const guessing = new JwtVerifier<Payload>({ issuer: issuer.issuer, audience: API, logger: silentLogger, claims: (p) => p });
    expect(await guessing.verify(token).catch((error: unknown) => error)).toBeInstanceOf(JwksUnavailableError);
    const discovering = new DiscoveringJwtVerifier<Payload>({
      issuer: issuer.issuer,
      audience: API,
      logger: silentLogger,
      claims: (p) => p,
    });
    expect((await discovering.verify(token)).aud).toBe(API);
  });

  it("refuses metadata whose issuer is written otherwise than configured (localhost for 127.0.0.1)", async () => {
    const aliased = issuer.issuer.replace("127.0.0.1", "localhost");
    const verifier = new DiscoveringJwtVerifier<Payload>({ issuer: aliased, audience: API, logger: silentLogger, claims: (p) => p });
    const error = await verifier.verify(await issuer.token({ resource: API })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).option).toBe("issuer");
  });
});

describe("the RFC 9068 profile", () => {
  /** A token with oidc-provider's claims, signed with its own key, under another typ. */
  async function retyped(typ: string | undefined): Promise<string> {
    const claims = decodeJwt(await issuer.token({ resource: API }));
    const header = { alg: "RS256", kid: firstKey.kid!, ...(typ === undefined ? {} : { typ }) };
    return new SignJWT(claims).setProtectedHeader(header).sign(await importJWK(firstKey, "RS256"));
  }

  it("accepts oidc-provider's at+jwt tokens and refuses the same claims typed JWT or untyped", async () => {
    expect((await verifierFor().verify(await retyped("at+jwt"))).aud).toBe(API);
    expect(await rejection(verifierFor().verify(await retyped("JWT")))).toBe("TOKEN_TYPE_INVALID");
    expect(await rejection(verifierFor().verify(await retyped(undefined)))).toBe("TOKEN_TYPE_INVALID");
    // Off, any JWT typ passes (as Cognito's untyped tokens must).
    expect((await verifierFor({ profile: undefined }).verify(await retyped("JWT"))).aud).toBe(API);
  });
});

describe("key rotation", () => {
  it("picks up a key rotated in, and stops accepting tokens of a key rotated out once the set is refreshed", async () => {
    let skewMs = 0;
    const verifier = verifierFor({ now: () => Date.now() + skewMs, jwks: { maxAgeMs: 60_000 } });
    const oldToken = await issuer.token({ resource: API });
    expect((await verifier.verify(oldToken)).aud).toBe(API);

    const secondKey = await signingKey("interop-key-2");
    issuer.rotate([secondKey, firstKey]);
    try {
      const newToken = await issuer.token({ resource: API });
      expect(decodeProtectedHeader(newToken).kid).toBe("interop-key-2");
      expect((await verifier.verify(newToken)).aud).toBe(API);
      expect((await verifier.verify(oldToken)).aud).toBe(API);

      issuer.rotate([secondKey]);
      skewMs = 61_000;
      // The cached verdict still answers, and starts the refresh the set's age calls for.
      const refreshes: Promise<unknown>[] = [];
      expect(verifier.verifyCached(oldToken, { waitUntil: (promise) => void refreshes.push(promise) })?.aud).toBe(API);
      expect(refreshes).toHaveLength(1);
      await Promise.all(refreshes);
      expect(verifier.verifyCached(oldToken)).toBeUndefined();
      expect(await rejection(verifier.verify(oldToken))).toBe("KID_UNKNOWN");
      expect((await verifier.verify(newToken)).aud).toBe(API);
    } finally {
      issuer.rotate([firstKey]);
    }
  });
});
