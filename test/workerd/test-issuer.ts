// An issuer this project did not write: keys generated with jose in the test, and
// tokens shaped like Cognito's client-credentials access tokens, signed with them.
// Its JWKS is served by a fetch function that counts calls and can be broken on demand;
// several issuers are served together, each at <issuer>/.well-known/jwks.json, by
// TestIssuers, as a pool with both issuer formats and replicas would be.
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

const TEST_ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1";
export const TEST_CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado";
export const WEATHER_READ = "MyService/weather_read";

export interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function makeKey(kid: string, alg: "RS256" | "ES256" = "RS256"): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

export type JwksBehaviour = "ok" | "down" | "500" | "garbage" | "huge" | "hang" | "redirect";

/** Where the "redirect" behaviour points: an attacker's key set. */
export const REDIRECT_TARGET = "https://attacker.example/jwks.json";

export class TestIssuer {
  fetchCount = 0;
  behaviour: JwksBehaviour = "ok";
  published: JWK[];

  private constructor(
    readonly keys: TestKey[],
    readonly issuer: string,
  ) {
    this.published = keys.map((key) => key.publicJwk);
  }

  static async create(issuer = TEST_ISSUER, kid = "test-key-1"): Promise<TestIssuer> {
    return new TestIssuer([await makeKey(kid)], issuer);
  }

  /** Where this issuer's JWKS is served. */
  get jwksUri(): string {
    return `${this.issuer}/.well-known/jwks.json`;
  }

  get key(): TestKey {
    return this.keys[0]!;
  }

  /** Cognito's client-credentials claims, valid for an hour from now. */
  claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return {
      sub: TEST_CLIENT_ID,
      token_use: "access",
      scope: WEATHER_READ,
      auth_time: now,
      iss: this.issuer,
      exp: now + 3600,
      iat: now,
      version: 2,
      jti: crypto.randomUUID(),
      client_id: TEST_CLIENT_ID,
      ...overrides,
    };
  }

  /** Signs claims (with the issuer's first key unless another is given) under a Cognito header. */
  async sign(
    claims: Record<string, unknown> = this.claims(),
    options: { key?: TestKey; header?: Record<string, unknown> } = {},
  ): Promise<string> {
    const key = options.key ?? this.key;
    const alg = (options.header?.alg as string | undefined) ?? (key.publicJwk.alg as string);
    return new SignJWT(claims).setProtectedHeader({ kid: key.kid, alg, ...options.header }).sign(key.privateKey);
  }

  /** The JWKS endpoint, as a fetch function for the verifier's `jwks.fetch` option. */
  readonly fetch = async (request: Request): Promise<Response> => {
    this.fetchCount++;
    switch (this.behaviour) {
      case "down":
        throw new TypeError("connection refused");
      case "500":
        return new Response("oops", { status: 500 });
      case "garbage":
        return new Response("<html>not json</html>", { status: 200 });
      case "huge":
        return Response.json({ keys: this.published, padding: "x".repeat(200_000) });
      case "redirect":
        return new Response(null, { status: 307, headers: { Location: REDIRECT_TARGET } });
      case "hang":
        return new Promise((_, reject) => {
          request.signal.addEventListener("abort", () => reject(request.signal.reason));
        });
      default:
        return Response.json({ keys: this.published });
    }
  };
}

/**
 * Several issuers behind one fetch function, each answering at its own JWKS URL
 * (404 elsewhere), with every request's URL and redirect mode recorded.
 */
export class TestIssuers {
  readonly requests: Array<{ url: string; redirect: string }> = [];

  constructor(readonly all: readonly TestIssuer[]) {}

  static async create(issuers: readonly string[]): Promise<TestIssuers> {
    return new TestIssuers(await Promise.all(issuers.map((issuer, i) => TestIssuer.create(issuer, `key-of-issuer-${i}`))));
  }

  readonly fetch = async (request: Request): Promise<Response> => {
    this.requests.push({ url: request.url, redirect: request.redirect });
    const issuer = this.all.find((one) => one.jwksUri === request.url);
    return issuer === undefined ? new Response("not found", { status: 404 }) : issuer.fetch(request);
  };

  get fetchCount(): number {
    return this.requests.length;
  }
}

/** base64url of a string or bytes. */
export function b64url(input: string | Uint8Array): string {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Signs arbitrary header and payload bytes with RS256, for payloads jose would refuse to build. */
export async function signRaw(header: Record<string, unknown> | string, payload: string, key: TestKey): Promise<string> {
  const headerText = typeof header === "string" ? header : JSON.stringify(header);
  const input = `${b64url(headerText)}.${b64url(payload)}`;
  const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key.privateKey, new TextEncoder().encode(input));
  return `${input}.${b64url(new Uint8Array(signature))}`;
}
