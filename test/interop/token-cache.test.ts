// The token cache against oidc-provider (./oidc-provider-issuer.ts), with the two client
// authentications it has: client_secret_basic and client_secret_post. oidc-provider
// gives a client that names no RFC 8707 resource a JWT for its default resource (API),
// which the generic verifier then accepts. (Asking for a resource, and private_key_jwt, come with
// issue 33's items 3 and 5.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientCredentialsTokenCache } from "../../shared/client-credentials/index";
import { JwtVerifier } from "../../shared/jwt/jwt-verifier";
import { silentLogger } from "../../shared/log";
import { API, BASIC_CLIENT, OidcProviderIssuer, POST_CLIENT, signingKey } from "./oidc-provider-issuer";

type Payload = Record<string, unknown>;

let issuer: OidcProviderIssuer;
let verifier: JwtVerifier<Payload>;

beforeAll(async () => {
  issuer = await OidcProviderIssuer.start([await signingKey("interop-cache-key")]);
  verifier = new JwtVerifier<Payload>({
    issuer: issuer.issuer,
    jwksUri: `${issuer.issuer}/jwks`,
    audience: API,
    profile: "rfc9068",
    logger: silentLogger,
    claims: (payload) => payload,
  });
});

afterAll(async () => {
  await issuer?.stop();
});

function cacheFor(client: { id: string; secret: string }, clientAuthentication: "basic" | "body") {
  return new ClientCredentialsTokenCache({
    tokenEndpoint: issuer.tokenEndpoint,
    clientId: client.id,
    clientSecret: client.secret,
    scopes: ["reports:read"],
    clientAuthentication,
    kv: null,
    retry: { maxAttempts: 1 },
    logger: silentLogger,
  });
}

describe("ClientCredentialsTokenCache against oidc-provider", () => {
  it.each([
    ["client_secret_basic", BASIC_CLIENT, "basic"],
    ["client_secret_post", POST_CLIENT, "body"],
  ] as const)("gets a token with %s that the verifier accepts, and hands it out again from memory", async (_, client, method) => {
    const tokens = cacheFor(client, method);
    const token = await tokens.getToken();
    expect(await verifier.verify(token)).toMatchObject({ aud: API, client_id: client.id, scope: "reports:read" });
    expect(await tokens.getToken()).toBe(token);
  });
});
