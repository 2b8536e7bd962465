// The token cache against oidc-provider (./oidc-provider-issuer.ts), with each client
// authentication it has: client_secret_basic, client_secret_post and private_key_jwt
// (RFC 7523). Each asks for an RFC 8707 resource that is not the client's default
// (OTHER_API), so a token bound to it shows the `resource` parameter was sent and
// honoured; the generic verifier for that audience accepts it, the one for API refuses
// it. A cache given only the issuer URL finds the token endpoint in its metadata.
import type { JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientCredentialsTokenCache } from "../../shared/client-credentials/index";
import type { ClientCredentialsTokenCacheOptions } from "../../shared/client-credentials/token-cache-options";
import { TokenRejectedError } from "../../shared/errors";
import { JwtVerifier } from "../../shared/jwt/jwt-verifier";
import { silentLogger } from "../../shared/log";
import {
  API,
  BASIC_CLIENT,
  clientKeyPair,
  OidcProviderIssuer,
  OTHER_API,
  POST_CLIENT,
  PRIVATE_KEY_CLIENT,
  signingKey,
} from "./oidc-provider-issuer";

type Payload = Record<string, unknown>;

let issuer: OidcProviderIssuer;
/** The private_key_jwt client's private keys, one per algorithm; the provider holds the public halves. */
const clientKeys: Record<string, JWK> = {};

beforeAll(async () => {
  const pairs = await Promise.all([clientKeyPair("RS256", "client-rs256"), clientKeyPair("ES256", "client-es256")]);
  clientKeys.RS256 = pairs[0].privateJwk;
  clientKeys.ES256 = pairs[1].privateJwk;
  issuer = await OidcProviderIssuer.start(
    [await signingKey("interop-cache-key")],
    pairs.map((pair) => pair.publicJwk),
  );
});

afterAll(async () => {
  await issuer?.stop();
});

function verifierFor(audience: string): JwtVerifier<Payload> {
  return new JwtVerifier<Payload>({
    issuer: issuer.issuer,
    jwksUri: `${issuer.issuer}/jwks`,
    audience,
    profile: "rfc9068",
    logger: silentLogger,
    claims: (payload) => payload,
  });
}

function cacheFor(authentication: Partial<ClientCredentialsTokenCacheOptions> & { clientId: string }) {
  return new ClientCredentialsTokenCache({
    tokenEndpoint: issuer.tokenEndpoint,
    scopes: ["reports:read"],
    kv: null,
    retry: { maxAttempts: 1 },
    logger: silentLogger,
    ...authentication,
  });
}

const AUTHENTICATIONS = [
  ["client_secret_basic", () => ({ clientId: BASIC_CLIENT.id, clientSecret: BASIC_CLIENT.secret })],
  ["client_secret_post", () => ({ clientId: POST_CLIENT.id, clientSecret: POST_CLIENT.secret, clientAuthentication: "body" as const })],
  [
    "private_key_jwt (RS256)",
    () => ({
      clientId: PRIVATE_KEY_CLIENT.id,
      clientAuthentication: "private_key_jwt" as const,
      privateKey: clientKeys.RS256 as JsonWebKey,
    }),
  ],
  [
    "private_key_jwt (ES256)",
    () => ({
      clientId: PRIVATE_KEY_CLIENT.id,
      clientAuthentication: "private_key_jwt" as const,
      privateKey: clientKeys.ES256 as JsonWebKey,
    }),
  ],
] as const;

describe("ClientCredentialsTokenCache against oidc-provider", () => {
  it.each(AUTHENTICATIONS)("gets a token with %s that the verifier accepts, and hands it out again from memory", async (_, auth) => {
    const tokens = cacheFor(auth());
    const token = await tokens.getToken();
    expect(await verifierFor(API).verify(token)).toMatchObject({ aud: API, client_id: auth().clientId, scope: "reports:read" });
    expect(await tokens.getToken()).toBe(token);
  });

  it.each(AUTHENTICATIONS)("gets a token bound to the resource it names with %s", async (_, auth) => {
    const token = await cacheFor({ ...auth(), resource: OTHER_API }).getToken();
    expect(await verifierFor(OTHER_API).verify(token)).toMatchObject({ aud: OTHER_API, client_id: auth().clientId, scope: "reports:read" });
    const refused = await verifierFor(API)
      .verify(token)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TokenRejectedError);
    expect((refused as TokenRejectedError).code).toBe("AUDIENCE_MISMATCH");
  });

  it("is refused a token for a private_key_jwt client when the assertion is signed by a key the provider does not hold", async () => {
    const { privateJwk } = await clientKeyPair("RS256", "client-rs256");
    const tokens = cacheFor({
      clientId: PRIVATE_KEY_CLIENT.id,
      clientAuthentication: "private_key_jwt",
      privateKey: privateJwk as JsonWebKey,
    });
    const error = await tokens.getToken().catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: "TOKEN_REQUEST_REJECTED", oauthError: "invalid_client" });
  });

  it("finds the token endpoint from the issuer URL alone", async () => {
    const tokens = new ClientCredentialsTokenCache({
      issuer: issuer.issuer,
      clientId: PRIVATE_KEY_CLIENT.id,
      clientAuthentication: "private_key_jwt",
      privateKey: clientKeys.ES256 as JsonWebKey,
      scopes: ["billing:read"],
      resource: OTHER_API,
      kv: null,
      retry: { maxAttempts: 1 },
      logger: silentLogger,
    });
    const token = await tokens.getToken();
    expect(await verifierFor(OTHER_API).verify(token)).toMatchObject({ aud: OTHER_API, scope: "billing:read" });
  });
});
