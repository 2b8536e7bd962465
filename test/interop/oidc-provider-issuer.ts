// An OAuth 2.0 server nobody here wrote: panva's oidc-provider (an OpenID Certified
// implementation), run in this process on 127.0.0.1 at a random port. It issues
// client-credentials access tokens as JWTs (RFC 9068: `typ: at+jwt`, `aud` = the RFC
// 8707 resource) for two APIs to three clients (client_secret_basic, client_secret_post,
// private_key_jwt), publishes its metadata at both well-known paths (RFC
// 8414, OpenID) and its keys at its own jwks_uri. Its keys can be rotated in place: the
// same issuer URL is then served by a new provider with the new key set.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import Provider, { errors } from "oidc-provider";

/** The API the tests protect, and another API of the same issuer. */
export const API = "https://reports.example.com";
export const OTHER_API = "https://billing.example.com";
const API_SCOPES = "reports:read reports:write";
/** Another API that uses a scope name of API's too (a staging twin, a second tenant). */
const OTHER_API_SCOPES = "reports:read billing:read";

/** A client with client_secret_basic, one with client_secret_post; both default to API. */
export const BASIC_CLIENT = { id: "interop-basic", secret: "interop-basic-secret-0123456789abcdef0123456789abcdef" };
export const POST_CLIENT = { id: "interop-post", secret: "interop-post-secret-0123456789abcdef0123456789abcdef" };
/** A client with private_key_jwt (RFC 7523): the provider holds its public key (`start`'s `clientKeys`). */
export const PRIVATE_KEY_CLIENT = { id: "interop-private-key-jwt" };

const RESOURCE_SCOPES: Record<string, string> = { [API]: API_SCOPES, [OTHER_API]: OTHER_API_SCOPES };
const SCOPES = new Set(`${API_SCOPES} ${OTHER_API_SCOPES}`.split(" "));
const ACCESS_TOKEN_TTL_SECONDS = 600;

/** A private signing key for the provider, with its kid. */
export async function signingKey(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: "RS256", use: "sig" };
}

/** A client's key pair for private_key_jwt: the private JWK for the client, the public one for the provider. */
export async function clientKeyPair(alg: "RS256" | "PS256" | "ES256", kid: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" },
  };
}

function provider(issuer: string, keys: JWK[], clientKeys: JWK[]): Provider {
  const client = (id: string, secret: string | undefined, method: string) => ({
    client_id: id,
    ...(secret === undefined ? { jwks: { keys: clientKeys } } : { client_secret: secret }),
    grant_types: ["client_credentials"],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: method,
    scope: [...SCOPES].join(" "),
  });
  const instance = new Provider(issuer, {
    clients: [
      client(BASIC_CLIENT.id, BASIC_CLIENT.secret, "client_secret_basic"),
      client(POST_CLIENT.id, POST_CLIENT.secret, "client_secret_post"),
      client(PRIVATE_KEY_CLIENT.id, undefined, "private_key_jwt"),
    ],
    scopes: [...SCOPES],
    ttl: { ClientCredentials: ACCESS_TOKEN_TTL_SECONDS },
    jwks: { keys: keys as never },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // A request without `resource` is for API, so that a client that cannot name one still gets a JWT.
        defaultResource: (_ctx: unknown, _client: unknown, oneOf?: string) => oneOf ?? API,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          const scope = RESOURCE_SCOPES[resource];
          if (scope === undefined) throw new errors.InvalidTarget();
          return {
            scope,
            audience: resource,
            accessTokenFormat: "jwt",
            accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
    },
  });
  return instance;
}

export class OidcProviderIssuer {
  private handler: (request: IncomingMessage, response: ServerResponse) => void;

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    keys: JWK[],
    private readonly clientKeys: JWK[],
  ) {
    this.handler = provider(issuer, keys, clientKeys).callback();
  }

  /**
   * Starts the issuer on 127.0.0.1 at a port the system picks, signing with `keys[0]`;
   * `clientKeys`: the public keys of PRIVATE_KEY_CLIENT.
   */
  static async start(keys: JWK[], clientKeys: JWK[] = []): Promise<OidcProviderIssuer> {
    let self: OidcProviderIssuer | undefined;
    const server = createServer((request, response) => self!.handler(request, response));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    self = new OidcProviderIssuer(server, `http://127.0.0.1:${port}`, keys, clientKeys);
    return self;
  }

  /** Serves the same issuer with another key set from now on (the first key signs). */
  rotate(keys: JWK[]): void {
    this.handler = provider(this.issuer, keys, this.clientKeys).callback();
  }

  get tokenEndpoint(): string {
    return `${this.issuer}/token`;
  }

  /**
   * A client-credentials token from the token endpoint (client_secret_basic), for
   * `resource` when given; the endpoint's JSON answer on failure.
   */
  async token(options: { resource?: string; scope?: string } = {}): Promise<string> {
    const body = new URLSearchParams({ grant_type: "client_credentials" });
    if (options.scope !== undefined) body.set("scope", options.scope);
    if (options.resource !== undefined) body.set("resource", options.resource);
    const response = await fetch(this.tokenEndpoint, {
      method: "POST",
      headers: { Authorization: `Basic ${btoa(`${BASIC_CLIENT.id}:${BASIC_CLIENT.secret}`)}` },
      body,
    });
    const answer = (await response.json()) as { access_token?: string };
    if (!response.ok || typeof answer.access_token !== "string") throw new Error(`token endpoint: ${JSON.stringify(answer)}`);
    return answer.access_token;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, "close");
  }
}
