// A verifier that starts from the issuer URL alone: the issuer's metadata (RFC 8414,
// else OpenID discovery) read once, on first use, with the key set's fetch rules; the
// metadata's issuer compared exactly. Real keys and tokens; the issuer served by a fetch function.
import { describe, expect, it } from "vitest";
import { DiscoveringJwtVerifier } from "../../../shared/discovery/discovering-jwt-verifier";
import { fetchIssuerMetadata } from "../../../shared/discovery/issuer-metadata";
import { ConfigError, DiscoveryError, JwksUnavailableError, type TokenRejectedError } from "../../../shared/errors";
import { type LogFields, type Logger, silentLogger } from "../../../shared/log";
import { TestIssuer } from "../../workerd/test-issuer";

const ISSUER = "https://auth.example.com/tenant-1";
const API = "https://api.example.com";
const RFC8414 = "https://auth.example.com/.well-known/oauth-authorization-server/tenant-1";
const OPENID = `${ISSUER}/.well-known/openid-configuration`;
const KEYS = "https://keys.example.com/tenant-1/jwks";

type Documents = Record<string, () => Response>;

/** The issuer's keys at KEYS, its metadata wherever `documents` says; every URL asked recorded. */
async function serve(documents: Documents) {
  const issuer = await TestIssuer.create(ISSUER);
  const asked: string[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    asked.push(request.url);
    expect(request.redirect).toBe("manual");
    if (request.url === KEYS) return issuer.fetch(request);
    return documents[request.url]?.() ?? new Response("not found", { status: 404 });
  };
  return { issuer, asked, fetch };
}

const metadata =
  (overrides: Record<string, unknown> = {}) =>
  () =>
    Response.json({ issuer: ISSUER, jwks_uri: KEYS, token_endpoint: `${ISSUER}/token`, ...overrides });

function verifierFor(fetch: (request: Request) => Promise<Response>, now?: () => number, logger: Logger = silentLogger) {
  return new DiscoveringJwtVerifier({
    issuer: ISSUER,
    audience: API,
    jwks: { fetch },
    logger,
    now,
    claims: (payload) => payload,
  });
}

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("DiscoveringJwtVerifier", () => {
  it("reads jwks_uri from RFC 8414's document, once, on first use", async () => {
    const { issuer, asked, fetch } = await serve({ [RFC8414]: metadata() });
    const verifier = verifierFor(fetch);
    expect(asked).toEqual([]);
    const first = await issuer.sign(issuer.claims({ aud: API }));
    expect((await verifier.verify(first)).aud).toBe(API);
    expect(verifier.verifyCached(first)?.aud).toBe(API);
    await verifier.verify(await issuer.sign(issuer.claims({ aud: API, jti: "second" })));
    expect(asked).toEqual([RFC8414, KEYS]);
  });

  it("falls back to the OpenID document when RFC 8414's is not there", async () => {
    const { issuer, asked, fetch } = await serve({ [OPENID]: metadata() });
    await verifierFor(fetch).verify(await issuer.sign(issuer.claims({ aud: API })));
    expect(asked).toEqual([RFC8414, OPENID, KEYS]);
  });

  it("still checks the token as JwtVerifier does (the audience here)", async () => {
    const { issuer, fetch } = await serve({ [RFC8414]: metadata() });
    const error = await thrown(verifierFor(fetch).verify(await issuer.sign(issuer.claims({ aud: "https://other.example.com" }))));
    expect((error as TokenRejectedError).code).toBe("AUDIENCE_MISMATCH");
  });

  it("checks every option when created, before anything is fetched", async () => {
    const { asked, fetch } = await serve({});
    expect(() => new DiscoveringJwtVerifier({ issuer: ISSUER, jwks: { fetch }, claims: (p) => p })).toThrow(ConfigError);
    expect(() => new DiscoveringJwtVerifier({ issuer: `${ISSUER}/`, audience: "*", claims: (p) => p })).toThrow(ConfigError);
    const withKeys = { issuer: ISSUER, audience: "*", jwksUri: KEYS, claims: (p: unknown) => p };
    expect(() => new DiscoveringJwtVerifier(withKeys)).toThrow(/jwksUri/);
    expect(asked).toEqual([]);
  });

  it("refuses metadata whose issuer is not the configured one exactly, as a ConfigError naming issuer, asked again only after a second", async () => {
    let now = 1_000_000;
    const { issuer, asked, fetch } = await serve({ [RFC8414]: metadata({ issuer: `${ISSUER}/` }) });
    const verifier = verifierFor(fetch, () => now);
    const token = await issuer.sign(issuer.claims({ aud: API, iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 600 }));
    const error = await thrown(verifier.verify(token));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).option).toBe("issuer");
    expect(await thrown(verifier.verify(token))).toBe(error);
    expect(asked).toEqual([RFC8414]);
    now += 1_000;
    expect(await thrown(verifier.verify(token))).toBeInstanceOf(ConfigError);
    expect(asked).toEqual([RFC8414, RFC8414]);
  });

  it("answers JwksUnavailableError while the metadata cannot be had, and recovers", async () => {
    let now = Date.now();
    let down = true;
    const { issuer, asked, fetch } = await serve({
      [RFC8414]: () => (down ? new Response("oops", { status: 503 }) : metadata()()),
    });
    const events: [string, string, LogFields][] = [];
    const verifier = verifierFor(
      fetch,
      () => now,
      (level, event, fields) => void events.push([level, event, fields]),
    );
    const token = await issuer.sign(issuer.claims({ aud: API }));
    const error = await thrown(verifier.verify(token));
    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect(events).toEqual([
      ["warn", "issuer_metadata_failed", { issuer: ISSUER, code: "JWKS_UNAVAILABLE", reason: "the issuer's metadata answered 503" }],
    ]);
    expect((error as Error).cause).toBeInstanceOf(DiscoveryError);
    // A 5xx is not a missing document: OpenID's is not asked.
    expect(asked).toEqual([RFC8414]);
    down = false;
    now += 1_000;
    expect((await verifier.verify(token)).aud).toBe(API);
  });
});

describe("fetchIssuerMetadata", () => {
  it("gives jwks_uri and token_endpoint, for the token cache too", async () => {
    const { fetch } = await serve({ [RFC8414]: metadata() });
    expect(await fetchIssuerMetadata(ISSUER, { fetch })).toEqual({ issuer: ISSUER, jwks_uri: KEYS, token_endpoint: `${ISSUER}/token` });
  });

  it("uses the OpenID path for an issuer with no path, and RFC 8414's at the origin", async () => {
    const origin = "https://auth.example.com";
    const asked: string[] = [];
    const fetch = async (request: Request) => {
      asked.push(request.url);
      return new Response(null, { status: 404 });
    };
    expect(await thrown(fetchIssuerMetadata(origin, { fetch }))).toBeInstanceOf(DiscoveryError);
    expect(asked).toEqual([`${origin}/.well-known/oauth-authorization-server`, `${origin}/.well-known/openid-configuration`]);
  });

  it.each([
    ["a redirect, not followed", () => new Response(null, { status: 302, headers: { Location: "https://attacker.example/meta" } })],
    ["a body that is not JSON", () => new Response("<html>", { status: 200 })],
    ["a JSON array", () => Response.json([ISSUER])],
    ["a document over the size cap", metadata({ padding: "x".repeat(70_000) })],
    ["a jwks_uri over plain http off loopback", metadata({ jwks_uri: "http://keys.example.com/jwks" })],
    ["a jwks_uri that is not a URL", metadata({ jwks_uri: "keys" })],
  ])("refuses %s as DiscoveryError", async (_, answer) => {
    const { fetch } = await serve({ [RFC8414]: answer });
    const error = await thrown(fetchIssuerMetadata(ISSUER, { fetch }));
    expect(error).toBeInstanceOf(DiscoveryError);
    expect((error as DiscoveryError).code).toBe("DISCOVERY_FAILED");
  });

  it("gives up after timeoutMs", async () => {
    const fetch = (request: Request) =>
      new Promise<Response>((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason)));
    const error = await thrown(fetchIssuerMetadata(ISSUER, { fetch, timeoutMs: 50 }));
    expect(error).toBeInstanceOf(DiscoveryError);
    expect((error as Error).message).toMatch(/timed out/);
  });
});
