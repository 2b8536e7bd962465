// Several issuers, each with its own key set: a Cognito pool's two issuer formats,
// served by independent test issuers behind one fake fetch. A replica's own Region
// is no longer an issuer: since 2026-07-28 replicas stamp the primary Region's issuer
// (aws-jwt-verify issue 282), so only the primary Region's issuers are derived.
import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cognitoIssuers } from "../../../shared/cognito/cognito-issuers";
import { CognitoAccessTokenVerifier, type CognitoVerifierOptions } from "../../../shared/cognito/cognito-verifier";
import { ConfigError, type TokenRejectedError } from "../../../shared/errors";
import { accessTokenAuth } from "../../../shared/hono/access-token-auth";
import { JwtVerifier } from "../../../shared/jwt/jwt-verifier";
import { makeKey, TEST_CLIENT_ID, TestIssuers, WEATHER_READ } from "../../workerd/test-issuer";

const POOL = "us-east-1_TestPool1";
const ORIGINAL = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const UPDATED = `https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const REPLICA = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;

let served: TestIssuers;

function createVerifier(options: Partial<CognitoVerifierOptions> = { userPoolId: POOL }) {
  return new CognitoAccessTokenVerifier({ clientIds: [TEST_CLIENT_ID], jwks: { fetch: served.fetch }, ...options });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as TokenRejectedError).code;
  }
  return "accepted";
}

beforeEach(async () => {
  served = await TestIssuers.create([ORIGINAL, UPDATED, REPLICA]);
});

describe("cognitoIssuers", () => {
  it("gives both formats of the pool's primary Region, and nothing for a replica's Region", () => {
    expect(cognitoIssuers({ userPoolId: POOL })).toEqual([ORIGINAL, UPDATED]);
  });

  it("narrows to one format with issuerFormat", () => {
    expect(cognitoIssuers({ userPoolId: POOL, issuerFormat: "ORIGINAL" })).toEqual([ORIGINAL]);
    expect(cognitoIssuers({ userPoolId: POOL, issuerFormat: "UPDATED" })).toEqual([UPDATED]);
  });

  it.each([
    ["a pool id without a Region", { userPoolId: "TestPool1" }, "userPoolId"],
    ["a pool id with a host in it", { userPoolId: "us-east-1_x.attacker.example" }, "userPoolId"],
    ["a pool id with a path", { userPoolId: "us-east-1_a/../b" }, "userPoolId"],
    ["an unknown format", { userPoolId: POOL, issuerFormat: "GLOBAL" }, "issuerFormat"],
  ])("refuses %s", (_, pool, option) => {
    expect(() => cognitoIssuers(pool as never)).toThrow(expect.objectContaining({ code: "CONFIG_INVALID", option }));
  });
});

describe("a verifier of several issuers", () => {
  it("accepts tokens of both formats, each checked with its own issuer's keys", async () => {
    const verifier = createVerifier();
    expect(verifier.issuers).toEqual([ORIGINAL, UPDATED]);
    for (const issuer of served.all.slice(0, 2)) {
      const token = await verifier.verify(await issuer.sign());
      expect(token.iss).toBe(issuer.issuer);
      expect(issuer.fetchCount).toBe(1);
    }
    expect(served.requests.map((r) => r.url)).toEqual(served.all.slice(0, 2).map((issuer) => issuer.jwksUri));
    expect(verifier.jwksFor(UPDATED)?.jwksUri).toBe(`${UPDATED}/.well-known/jwks.json`);
    expect(verifier.jwks).toBe(verifier.jwksFor(ORIGINAL));
    expect(verifier.jwksFor("https://elsewhere.example")).toBeUndefined();
  });

  it("refuses a token claiming one listed issuer but signed with another listed issuer's key", async () => {
    const verifier = createVerifier();
    const [original, updated] = served.all as [(typeof served.all)[0], (typeof served.all)[0]];
    // The UPDATED issuer's key is imported and ready before the forgery arrives.
    await verifier.verify(await updated.sign());
    const forged = await updated.sign(updated.claims({ iss: ORIGINAL }));
    expect(await codeOf(verifier.verify(forged))).toBe("KID_UNKNOWN");
    expect(original.fetchCount).toBe(1);
  });

  it("refuses it too when both issuers publish a key under the same kid", async () => {
    const verifier = createVerifier();
    const [original, updated] = served.all as [(typeof served.all)[0], (typeof served.all)[0]];
    const shared = await makeKey("same-kid");
    const other = await makeKey("same-kid");
    original.published.push(other.publicJwk);
    updated.published.push(shared.publicJwk);
    await verifier.verify(await updated.sign(updated.claims(), { key: shared }));
    const forged = await updated.sign(updated.claims({ iss: ORIGINAL }), { key: shared });
    expect(await codeOf(verifier.verify(forged))).toBe("SIGNATURE_INVALID");
    // And a token that issuer A really signed under that kid still verifies.
    await expect(verifier.verify(await original.sign(original.claims(), { key: other }))).resolves.toBeDefined();
  });

  it("refuses an issuer that is not listed before fetching any key set", async () => {
    const verifier = createVerifier();
    const [original] = served.all as [(typeof served.all)[0]];
    for (const iss of [
      "https://cognito-idp.us-west-2.amazonaws.com/us-east-1_TestPool1",
      "https://issuer-cognito-idp.eu-west-1.amazonaws.com/us-east-1_TestPool1",
      "https://attacker.example",
      `${ORIGINAL}/`,
    ]) {
      expect(await codeOf(verifier.verify(await original.sign(original.claims({ iss }))))).toBe("ISSUER_MISMATCH");
    }
    expect(await codeOf(verifier.verify(await original.sign(original.claims({ iss: 42 }))))).toBe("CLAIM_INVALID");
    expect(served.fetchCount).toBe(0);
  });

  it("keeps one set per issuer: a key leaving one issuer's set does not touch the others", async () => {
    let clock = Date.now();
    const verifier = createVerifier({ userPoolId: POOL, jwks: { fetch: served.fetch, maxAgeMs: 1_000 }, now: () => clock });
    const [original, updated] = served.all as [(typeof served.all)[0], (typeof served.all)[0]];
    const fromOriginal = await original.sign();
    const fromUpdated = await updated.sign();
    await verifier.verify(fromOriginal);
    await verifier.verify(fromUpdated);
    original.published = [(await makeKey("replacement")).publicJwk];
    clock += 60_000;
    const pending: Promise<unknown>[] = [];
    await verifier.verify(fromOriginal, { waitUntil: (p) => pending.push(p) });
    await Promise.all(pending);
    expect(await codeOf(verifier.verify(fromOriginal))).toBe("KID_UNKNOWN");
    await expect(verifier.verify(fromUpdated)).resolves.toBeDefined();
  });
});

describe("configuration", () => {
  function optionOf(build: () => unknown): string | undefined {
    try {
      build();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).option;
    }
    return undefined;
  }

  it("needs exactly one of issuer and userPoolId", () => {
    expect(optionOf(() => createVerifier({ issuer: ORIGINAL, userPoolId: POOL }))).toBe("issuer/userPoolId");
    expect(optionOf(() => createVerifier({}))).toBe("issuer/userPoolId");
    expect(optionOf(() => createVerifier({ issuer: ORIGINAL, issuerFormat: "UPDATED" }))).toBe("issuerFormat");
  });

  it("takes a list of issuers, each checked, and a jwksUri only with a single issuer", () => {
    expect(createVerifier({ issuer: [ORIGINAL, UPDATED] }).issuers).toEqual([ORIGINAL, UPDATED]);
    expect(optionOf(() => createVerifier({ issuer: [ORIGINAL, UPDATED], jwksUri: `${ORIGINAL}/.well-known/jwks.json` }))).toBe("jwksUri");
    expect(optionOf(() => createVerifier({ issuer: [] }))).toBe("issuer");
    expect(optionOf(() => createVerifier({ issuer: [ORIGINAL, ORIGINAL] }))).toBe("issuer");
    expect(optionOf(() => createVerifier({ issuer: [ORIGINAL, "http://cognito-idp.example/x"] }))).toBe("issuer");
    expect(optionOf(() => new JwtVerifier({ issuer: ORIGINAL, jwksUri: `${ORIGINAL}/keys`, claims: () => 1 }))).toBeUndefined();
  });
});

describe("a replica's Region", () => {
  it("is not trusted: its issuer stays refused, with no key fetched", async () => {
    const verifier = createVerifier({ userPoolId: POOL });
    expect(verifier.issuers).toEqual([ORIGINAL, UPDATED]);
    const replica = served.all[2]!;
    expect(await codeOf(verifier.verify(await replica.sign()))).toBe("ISSUER_MISMATCH");
    expect(replica.fetchCount).toBe(0);
  });
});

describe("a verifier configured for the other issuer format", () => {
  let logs: string[];
  beforeEach(() => {
    logs = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void logs.push(line));
  });
  afterEach(() => vi.restoreAllMocks());

  it("answers 401 with ISSUER_MISMATCH in the log, never 500, and fetches nothing", async () => {
    const verifier = createVerifier({ userPoolId: POOL, issuerFormat: "ORIGINAL" });
    const app = new Hono().get("/weatherforecast", accessTokenAuth({ verifier, requiredScopes: [[WEATHER_READ]] }), (c) => c.text("ok"));
    const [, updated] = served.all as [unknown, (typeof served.all)[0]];
    const response = await app.request("/weatherforecast", { headers: { Authorization: `Bearer ${await updated.sign()}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer error="invalid_token"/);
    const rejected = logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.event === "auth_rejected");
    expect(rejected).toMatchObject({ code: "ISSUER_MISMATCH", claim: "iss" });
    expect(served.fetchCount).toBe(0);
  });
});
