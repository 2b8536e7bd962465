// What the issuer's key set may change under the verifier: new material under a kid
// it knows (found by RFC 7638 thumbprint), a short RSA modulus padded with zero bytes,
// and a JWKS endpoint that answers with a redirect.
import { base64url } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CognitoAccessTokenVerifier } from "../../../shared/cognito/cognito-verifier";
import type { TokenRejectedError } from "../../../shared/errors";
import { rsaModulusBits } from "../../../shared/jwt/rsa-modulus";
import { makeKey, REDIRECT_TARGET, signRaw, TEST_CLIENT_ID, TestIssuer, type TestKey } from "../../workerd/test-issuer";

let issuer: TestIssuer;
let clock: number;
let pending: Promise<unknown>[];
const waitUntil = (promise: Promise<unknown>) => void pending.push(promise);

function createVerifier(jwks: Record<string, unknown> = {}) {
  return new CognitoAccessTokenVerifier({
    issuer: issuer.issuer,
    clientIds: [TEST_CLIENT_ID],
    jwks: { fetch: issuer.fetch, ...jwks },
    now: () => clock,
  });
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
  issuer = await TestIssuer.create();
  clock = Date.now();
  pending = [];
});

describe("new key material under a kid the verifier knows", () => {
  it("is found at the next refresh: the old key's tokens, cached or not, are refused and the new key's accepted", async () => {
    const verifier = createVerifier({ maxAgeMs: 600_000 });
    const oldToken = await issuer.sign();
    const oldUnseen = await issuer.sign();
    await verifier.verify(oldToken);
    const replacement: TestKey = { ...(await makeKey(issuer.key.kid)) };
    issuer.published = [replacement.publicJwk];

    clock += 600_001;
    await verifier.verify(oldToken, { waitUntil }); // served from the cache; starts the refresh
    await Promise.all(pending);
    expect(issuer.fetchCount).toBe(2);
    expect(await codeOf(verifier.verify(oldToken))).toBe("SIGNATURE_INVALID");
    expect(await codeOf(verifier.verify(oldUnseen))).toBe("SIGNATURE_INVALID");
    await expect(verifier.verify(await issuer.sign(issuer.claims(), { key: replacement }))).resolves.toBeDefined();
  });

  it("is looked for when a known key fails a signature, within the refetch budget", async () => {
    const verifier = createVerifier();
    await verifier.verify(await issuer.sign());
    const replacement = await makeKey(issuer.key.kid);
    issuer.published = [replacement.publicJwk];
    clock += 10_000;
    const fresh = await issuer.sign(issuer.claims(), { key: replacement });
    // The imported old key refuses the first token, and asks for the set again.
    expect(await codeOf(verifier.verify(fresh, { waitUntil }))).toBe("SIGNATURE_INVALID");
    await Promise.all(pending);
    expect(issuer.fetchCount).toBe(2);
    await expect(verifier.verify(fresh)).resolves.toBeDefined();
    // Forged signatures under the known kid spend the same budget: no fetch before 5 s.
    const attacker = await makeKey(issuer.key.kid);
    const forged = await issuer.sign(issuer.claims(), { key: attacker });
    for (let i = 0; i < 20; i++) expect(await codeOf(verifier.verify(forged, { waitUntil }))).toBe("SIGNATURE_INVALID");
    await Promise.all(pending);
    expect(issuer.fetchCount).toBe(2);
    clock += 5_000;
    for (let i = 0; i < 20; i++) await codeOf(verifier.verify(forged, { waitUntil }));
    await Promise.all(pending);
    expect(issuer.fetchCount).toBe(3);
  });

  it("is also found when only alg or use changes under the same kid", async () => {
    const verifier = createVerifier({ maxAgeMs: 1_000 });
    const token = await issuer.sign();
    await verifier.verify(token);
    issuer.published = [{ ...issuer.key.publicJwk, use: "enc" }];
    clock += 60_000;
    await verifier.verify(token, { waitUntil });
    await Promise.all(pending);
    expect(await codeOf(verifier.verify(token))).toBe("KEY_MISMATCH");
  });

  it("leaves keys whose material did not change alone", async () => {
    const verifier = createVerifier({ maxAgeMs: 1_000 });
    const token = await issuer.sign();
    await verifier.verify(token);
    const verify = vi.spyOn(crypto.subtle, "verify");
    issuer.published = [{ ...issuer.key.publicJwk }, (await makeKey("another")).publicJwk];
    clock += 60_000;
    await verifier.verify(token, { waitUntil });
    await Promise.all(pending);
    await verifier.verify(token);
    expect(verify).not.toHaveBeenCalled(); // the verdict is still cached
    vi.restoreAllMocks();
  });
});

describe("the RSA key size", () => {
  async function weakKey(kid: string, paddingBytes: number) {
    const pair = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
    const modulus = base64url.decode(jwk.n!);
    const padded = new Uint8Array(paddingBytes + modulus.length);
    padded.set(modulus, paddingBytes);
    const publicJwk = { kty: "RSA", e: jwk.e, n: base64url.encode(padded), kid, alg: "RS256", use: "sig" };
    return { kid, privateKey: pair.privateKey, publicJwk } satisfies TestKey;
  }

  it("is read from the modulus bits, leading zero bytes stripped", () => {
    const n2048 = base64url.encode(new Uint8Array([0x80, ...new Uint8Array(255)]));
    expect(rsaModulusBits(n2048)).toBe(2048);
    expect(rsaModulusBits(base64url.encode(new Uint8Array([0, 0, 0x01, ...new Uint8Array(127)])))).toBe(1017);
    expect(rsaModulusBits("")).toBe(0);
    expect(rsaModulusBits(undefined)).toBe(0);
  });

  it("refuses a 1024-bit modulus padded with zero bytes to the length of a 2048-bit one", async () => {
    const weak = await weakKey("padded", 128);
    expect(weak.publicJwk.n.length).toBeGreaterThanOrEqual(342); // what the old base64-length test let through
    // WebCrypto imports it: only the size check stands between it and a token.
    await expect(
      crypto.subtle.importKey("jwk", weak.publicJwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]),
    ).resolves.toBeDefined();
    issuer.published.push(weak.publicJwk);
    const token = await signRaw({ alg: "RS256", kid: weak.kid }, JSON.stringify(issuer.claims()), weak);
    expect(await codeOf(createVerifier().verify(token))).toBe("KEY_MISMATCH");
  });
});

describe("a JWKS endpoint that redirects", () => {
  let warnings: Array<Record<string, unknown>>;
  beforeEach(() => {
    warnings = [];
    vi.spyOn(console, "warn").mockImplementation((line: string) => void warnings.push(JSON.parse(line)));
  });
  afterEach(() => vi.restoreAllMocks());

  it("is asked not to follow redirects, and a 3xx is a failed fetch", async () => {
    const modes: string[] = [];
    const fetch = (request: Request) => {
      modes.push(request.redirect);
      return issuer.fetch(request);
    };
    issuer.behaviour = "redirect";
    const verifier = createVerifier({ fetch });
    expect(await codeOf(verifier.verify(await issuer.sign()))).toBe("JWKS_UNAVAILABLE");
    expect(modes).toEqual(["manual"]);
    expect(warnings).toContainEqual(expect.objectContaining({ event: "jwks_fetch_failed", reason: "redirect", status: 307 }));
    expect(JSON.stringify(warnings)).not.toContain(REDIRECT_TARGET);
  });

  it("keeps the keys it knows when a refresh is redirected", async () => {
    const verifier = createVerifier();
    await verifier.verify(await issuer.sign());
    issuer.behaviour = "redirect";
    clock += 60_000;
    expect(await codeOf(verifier.verify(await issuer.sign(issuer.claims(), { key: await makeKey("new") })))).toBe("KID_UNKNOWN");
    expect(issuer.fetchCount).toBe(2);
    await expect(verifier.verify(await issuer.sign())).resolves.toBeDefined();
    expect(warnings).toContainEqual(expect.objectContaining({ reason: "redirect", keptKeys: 1 }));
  });
});

describe("an issuer that withdraws keys", () => {
  let warnings: Array<Record<string, unknown>>;
  // The JWKS endpoint's next answers, once set; the test issuer's until then.
  let answer: { body: string; status: number } | undefined;
  const fetch = async (request: Request) =>
    answer === undefined ? issuer.fetch(request) : new Response(answer.body, { status: answer.status });
  beforeEach(() => {
    answer = undefined;
    warnings = [];
    vi.spyOn(console, "warn").mockImplementation((line: string) => void warnings.push(JSON.parse(line)));
  });
  afterEach(() => vi.restoreAllMocks());

  async function refreshWith(verifier: ReturnType<typeof createVerifier>, body: unknown, status = 200) {
    answer = { body: typeof body === "string" ? body : JSON.stringify(body), status };
    await verifier.jwks.reload();
  }

  it("is believed when a 200 holds an empty keys array: the withdrawn keys and their cached verdicts are dropped", async () => {
    const verifier = createVerifier({ maxAgeMs: 1_000 });
    const token = await issuer.sign();
    await verifier.verify(token);
    issuer.published = [];
    clock += 60_000;
    await verifier.verify(token, { waitUntil }); // a cache hit, which starts the refresh
    await Promise.all(pending);
    expect(issuer.fetchCount).toBe(2);
    expect(verifier.verifyCached(token)).toBeUndefined();
    expect(await codeOf(verifier.verify(token))).toBe("KID_UNKNOWN");
    expect(await codeOf(verifier.verify(await issuer.sign()))).toBe("KID_UNKNOWN");
    expect(warnings).toContainEqual(expect.objectContaining({ event: "jwks_keys_withdrawn", keys: 0 }));
  });

  it("is believed when a 200 holds only keys that cannot be used", async () => {
    const verifier = createVerifier({ fetch });
    const token = await issuer.sign();
    await verifier.verify(token);
    await refreshWith(verifier, { keys: [{ kty: "RSA" }, "not a key"] });
    expect(await codeOf(verifier.verify(token))).toBe("KID_UNKNOWN");
  });

  it.each([
    ["an error status", { keys: [] }, 500],
    ["a body that is not JSON", "<html>", 200],
    ["a body without a keys array", { keys: "none" }, 200],
    ["a body that is JSON null", "null", 200],
  ])("is not assumed from %s: the keys known keep serving", async (_, body, status) => {
    const verifier = createVerifier({ fetch });
    const token = await issuer.sign();
    await verifier.verify(token);
    await refreshWith(verifier, body, status);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    await expect(verifier.verify(await issuer.sign())).resolves.toBeDefined();
  });
});
