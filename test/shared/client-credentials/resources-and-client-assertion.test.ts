// The token cache's RFC 8707 resources, private_key_jwt client authentication (RFC 7523)
// and token endpoint discovery from the issuer URL: the options refused when the cache
// is created, the form parameters sent, and the KV records (real KV of the pool) keyed
// by the resources and sealed with the private key when there is no client secret.
import { env } from "cloudflare:test";
import { decodeProtectedHeader, exportJWK, generateKeyPair, type JWK, jwtVerify } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { ClientCredentialsTokenCache } from "../../../shared/client-credentials/client-credentials-token-cache";
import { type CoordinatorAsk, coordinatorClient } from "../../../shared/client-credentials/coordinator-client";
import type { ClientCredentialsTokenCacheOptions } from "../../../shared/client-credentials/token-cache-options";
import { ConfigError, TokenRequestError } from "../../../shared/errors";
import { silentLogger } from "../../../shared/log";
import { TokenCoordinatorCore } from "../../../shared/token-coordinator/core";
import { FakeTokenEndpoint } from "../../workerd/fake-token-endpoint";

const ENDPOINT_URL = "https://auth.example.com/oauth2/token";
const ISSUER = "https://auth.example.com";
const API = "https://api.example.com/reports";
const OTHER_API = "https://api.example.com/billing";
const kv = () => (env as unknown as { TEST_KV: KVNamespace }).TEST_KV;

let endpoint: FakeTokenEndpoint;
/** Every URL fetched, in order. */
let fetched: string[];
/** What the issuer's RFC 8414 document says (`issuer` discovery). */
let metadata: Record<string, unknown>;

/** The fake endpoint, behind an issuer whose RFC 8414 metadata names it. */
async function fetchThrough(request: Request): Promise<Response> {
  fetched.push(request.url);
  if (request.url === `${ISSUER}/.well-known/oauth-authorization-server`) return Response.json(metadata);
  if (request.url !== ENDPOINT_URL) return new Response("not found", { status: 404 });
  return endpoint.fetch(request);
}

function cache(extra: Partial<ClientCredentialsTokenCacheOptions> = {}) {
  return new ClientCredentialsTokenCache({
    tokenEndpoint: ENDPOINT_URL,
    clientId: "reports-client",
    clientSecret: "the-client-secret",
    scopes: ["reports:read"],
    kv: kv(),
    fetch: fetchThrough,
    retry: { maxAttempts: 1 },
    logger: silentLogger,
    ...extra,
  } as ClientCredentialsTokenCacheOptions);
}

/** A private JWK as exported, with no `alg` (an RSA key then signs RS256, a P-256 key ES256) but for PS256. */
async function privateJwk(alg: "RS256" | "PS256" | "ES256") {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: `key-${alg}` };
  if (alg === "PS256") jwk.alg = alg;
  return { jwk, publicKey };
}

/** A cache that authenticates with private_key_jwt. */
function assertingCache(jwk: JWK, extra: Partial<ClientCredentialsTokenCacheOptions> = {}) {
  return cache({ clientSecret: undefined, clientAuthentication: "private_key_jwt", privateKey: jwk as JsonWebKey, ...extra });
}

beforeEach(async () => {
  for (const { name } of (await kv().list()).keys) await kv().delete(name);
  endpoint = new FakeTokenEndpoint();
  fetched = [];
  metadata = { issuer: ISSUER, token_endpoint: ENDPOINT_URL, jwks_uri: `${ISSUER}/jwks` };
});

function configError(create: () => unknown): ConfigError {
  let thrown: unknown;
  try {
    create();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  return thrown as ConfigError;
}

describe("options refused when the cache is created", () => {
  it.each([
    ["a relative URI", "/reports"],
    ["a fragment", `${API}#part`],
    ["whitespace", `${API}/a b`],
    ["an empty list", []],
    ["a list with a non-string", [API, 42]],
    ["a word that is no URI", "reports"],
  ])("resource with %s", (_, resource) => {
    expect(configError(() => cache({ resource: resource as string[] })).option).toBe("resource");
  });

  it("resource with Cognito's GetClientToken", () => {
    const options = { tokenRequest: "cognito_get_client_token", tokenEndpoint: "https://cognito-idp.eu-west-1.amazonaws.com/" } as const;
    expect(configError(() => cache({ ...options, resource: API })).option).toBe("resource");
    expect(() => cache(options)).not.toThrow();
  });

  it("both tokenEndpoint and issuer, or neither", () => {
    expect(configError(() => cache({ issuer: ISSUER })).option).toBe("tokenEndpoint");
    expect(configError(() => cache({ tokenEndpoint: undefined })).option).toBe("tokenEndpoint");
    expect(configError(() => cache({ tokenEndpoint: undefined, issuer: "http://auth.example.com" })).option).toBe("issuer");
  });

  it.each([
    ["no privateKey", {}],
    ["a public key", { privateKey: { kty: "EC", crv: "P-256", x: "AAAA", y: "AAAA" } }],
    ["a symmetric key", { privateKey: { kty: "oct", k: "c2VjcmV0", d: "x" } }],
    ["an EC key off P-256", { privateKey: { kty: "EC", crv: "P-384", x: "AAAA", y: "AAAA", d: "AAAA" } }],
    ["an alg its kty cannot have", { privateKey: { kty: "RSA", n: "AQAB", e: "AQAB", d: "AQAB", alg: "ES256" } }],
    ["an encryption key", { privateKey: { kty: "RSA", n: "AQAB", e: "AQAB", d: "AQAB", use: "enc" } }],
  ])("private_key_jwt with %s", (_, extra) => {
    const error = configError(() => cache({ clientSecret: undefined, clientAuthentication: "private_key_jwt", ...extra }));
    expect(error.option).toBe("privateKey");
    expect(error.message).not.toContain("AAAA");
  });

  it("a clientSecret beside private_key_jwt, a privateKey without it, private_key_jwt with GetClientToken", async () => {
    const { jwk } = await privateJwk("ES256");
    expect(configError(() => assertingCache(jwk, { clientSecret: "the-client-secret" })).option).toBe("clientSecret");
    expect(configError(() => cache({ privateKey: jwk as JsonWebKey })).option).toBe("privateKey");
    const cognito = { tokenRequest: "cognito_get_client_token", tokenEndpoint: "https://cognito-idp.eu-west-1.amazonaws.com/" } as const;
    expect(configError(() => assertingCache(jwk, cognito)).option).toBe("clientAuthentication");
  });
});

describe("resources", () => {
  it("sends each as a resource form parameter, in the order given", async () => {
    await cache({ resource: [API, OTHER_API] }).getToken();
    expect(endpoint.lastRequest!.form.getAll("resource")).toEqual([API, OTHER_API]);
    expect(endpoint.lastRequest!.form.get("scope")).toBe("reports:read");
  });

  it("sends none when none is given", async () => {
    await cache().getToken();
    expect(endpoint.lastRequest!.form.has("resource")).toBe(false);
  });

  it("key the KV record: another resource is another token, the same resources in another order the same one", async () => {
    const forApi = await cache({ resource: API }).getToken();
    const forOther = await cache({ resource: OTHER_API }).getToken();
    expect(forOther).not.toBe(forApi);
    expect(endpoint.calls).toBe(2);
    const both = await cache({ resource: [API, OTHER_API] }).getToken();
    expect(await cache({ resource: [OTHER_API, API] }).getToken()).toBe(both);
    expect(await cache({ resource: API }).getToken()).toBe(forApi);
    expect(await cache().getToken()).not.toBe(forApi);
    expect(endpoint.calls).toBe(4);
  });
});

describe("private_key_jwt", () => {
  it.each(["RS256", "PS256", "ES256"] as const)("sends a fresh %s client assertion for the token endpoint and no secret", async (alg) => {
    const { jwk, publicKey } = await privateJwk(alg);
    const tokens = assertingCache(jwk, { kv: null });
    const first = await tokens.getToken();
    const { form, authorization } = endpoint.lastRequest!;
    expect(authorization).toBeNull();
    expect(form.has("client_secret")).toBe(false);
    expect(form.get("client_assertion_type")).toBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    const assertion = form.get("client_assertion")!;
    expect(decodeProtectedHeader(assertion)).toEqual({ alg, typ: "JWT", kid: `key-${alg}` });
    const { payload } = await jwtVerify(assertion, publicKey, {
      algorithms: [alg],
      issuer: "reports-client",
      subject: "reports-client",
      audience: ENDPOINT_URL,
    });
    expect(payload.exp! - payload.iat!).toBe(60);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);

    await tokens.invalidate(first);
    await tokens.getToken();
    const second = (await jwtVerify(endpoint.lastRequest!.form.get("client_assertion")!, publicKey)).payload;
    expect(second.jti).not.toBe(payload.jti);
  });

  it("seals the KV record with the private key: the same key opens it, another key does not", async () => {
    const { jwk } = await privateJwk("ES256");
    const token = await assertingCache(jwk).getToken();
    const [stored] = (await kv().list({ prefix: "cc-token/" })).keys;
    expect(await kv().get(stored!.name)).not.toContain(token);
    expect(await assertingCache(jwk).getToken()).toBe(token);
    expect(endpoint.calls).toBe(1);

    const { jwk: another } = await privateJwk("ES256");
    expect(await assertingCache(another).getToken()).not.toBe(token);
    expect(endpoint.calls).toBe(2);
  });

  it("fails the token request with a ConfigError for a key WebCrypto cannot import", async () => {
    const { jwk } = await privateJwk("ES256");
    const broken = assertingCache({ ...jwk, d: "AAAA" }, { kv: null });
    const error = await broken.getToken().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).option).toBe("privateKey");
    expect(endpoint.calls).toBe(0);
  });
});

describe("the token endpoint from the issuer's metadata", () => {
  it("is read once, then every token request goes to it", async () => {
    const tokens = cache({ tokenEndpoint: undefined, issuer: ISSUER, kv: null });
    const first = await tokens.getToken();
    await tokens.invalidate(first);
    await tokens.getToken();
    expect(fetched).toEqual([`${ISSUER}/.well-known/oauth-authorization-server`, ENDPOINT_URL, ENDPOINT_URL]);
    expect(endpoint.calls).toBe(2);
  });

  it("is the assertion's audience with private_key_jwt", async () => {
    const { jwk, publicKey } = await privateJwk("RS256");
    await assertingCache(jwk, { tokenEndpoint: undefined, issuer: ISSUER, kv: null }).getToken();
    await jwtVerify(endpoint.lastRequest!.form.get("client_assertion")!, publicKey, { audience: ENDPOINT_URL });
  });

  it("refuses metadata for another issuer (a rejection) or with a token endpoint outside the URL rule", async () => {
    metadata = { issuer: "https://other.example.com", token_endpoint: ENDPOINT_URL };
    const error = await cache({ tokenEndpoint: undefined, issuer: ISSUER, kv: null })
      .getToken()
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect((error as TokenRequestError).code).toBe("TOKEN_REQUEST_REJECTED");
    metadata = { issuer: ISSUER, token_endpoint: "http://auth.example.com/token" };
    const cleartext = await cache({ tokenEndpoint: undefined, issuer: ISSUER, kv: null })
      .getToken()
      .catch((thrown: unknown) => thrown);
    // fetchIssuerMetadata's DiscoveryError, as for metadata that cannot be fetched.
    expect((cleartext as TokenRequestError).code).toBe("TOKEN_ENDPOINT_UNREACHABLE");
    expect(fetched.filter((url) => url.startsWith("http:"))).toEqual([]);
    expect(endpoint.calls).toBe(0);
  });

  it("is asked again after a failure, once the back-off allows", async () => {
    let clock = 1_000_000;
    metadata = {};
    const tokens = cache({ tokenEndpoint: undefined, issuer: ISSUER, kv: null, now: () => clock });
    expect(await tokens.getToken().catch((thrown: unknown) => (thrown as TokenRequestError).code)).toBe("TOKEN_REQUEST_REJECTED");
    metadata = { issuer: ISSUER, token_endpoint: ENDPOINT_URL };
    clock += 120_000;
    expect(await tokens.getToken()).toBe(endpoint.issued[0]);
  });
});

describe("the token coordinator", () => {
  it("takes the same options and serves a cache that names the same resources, not one that names others", async () => {
    const { jwk } = await privateJwk("ES256");
    const options = {
      issuer: ISSUER,
      clientId: "reports-client",
      clientAuthentication: "private_key_jwt",
      privateKey: jwk as JsonWebKey,
      scopes: ["reports:read"],
      resource: API,
      fetch: fetchThrough,
      logger: silentLogger,
    } as const;
    const values = new Map<string, string>();
    const storage = {
      get: async (key: string) => values.get(key) ?? null,
      put: async (key: string, value: string) => void values.set(key, value),
      delete: async (key: string) => void values.delete(key),
    };
    const core = new TokenCoordinatorCore(storage, options);
    const stub = { token: async (ask: CoordinatorAsk) => structuredClone(await core.answer(structuredClone(ask))) };
    const coordinator = coordinatorClient({ idFromName: (name: string) => name, get: () => stub });

    const token = await cache({ ...options, tokenEndpoint: undefined, clientSecret: undefined, kv: null, coordinator }).getToken();
    expect(token).toBe(endpoint.issued[0]);
    expect(core.requests).toBe(1);
    expect(endpoint.lastRequest!.form.get("resource")).toBe(API);
    expect(endpoint.lastRequest!.form.has("client_assertion")).toBe(true);

    // Another resource is another store key: the coordinator refuses the ask, the isolate asks the endpoint itself.
    const other = { ...options, resource: OTHER_API, tokenEndpoint: undefined, clientSecret: undefined, kv: null, coordinator };
    expect(await cache(other).getToken()).toBe(endpoint.issued[1]);
    expect(core.requests).toBe(1);
  });
});
