// The verified-token cache: a repeated token skips the RSA verification, and
// nothing about it weakens a check.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CognitoAccessTokenVerifier } from "../../../shared/cognito/cognito-verifier";
import type { TokenRejectedError } from "../../../shared/errors";
import { VerifiedTokenCache } from "../../../shared/jwt/verified-token-cache";
import { TEST_CLIENT_ID, TestIssuer } from "../../workerd/test-issuer";

/** What the verifier does with a token it has just verified. */
function offer(cache: VerifiedTokenCache<string>, token: string): void {
  cache.set(token, { claims: token, iss: "https://issuer.example", kid: "k", exp: 1, iat: 0 });
}

let issuer: TestIssuer;
let clock: number;
let verify: ReturnType<typeof vi.spyOn>;

function createVerifier(verifiedTokenCacheSize?: number) {
  return new CognitoAccessTokenVerifier({
    issuer: issuer.issuer,
    clientIds: [TEST_CLIENT_ID],
    jwks: { fetch: issuer.fetch },
    now: () => clock,
    verifiedTokenCacheSize,
  });
}

beforeEach(async () => {
  issuer = await TestIssuer.create();
  clock = Date.now();
  verify = vi.spyOn(crypto.subtle, "verify");
});
afterEach(() => verify.mockRestore());

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as TokenRejectedError).code;
  }
  return "accepted";
}

describe("verified-token cache", () => {
  it("verifies a repeated token's signature once", async () => {
    const verifier = createVerifier();
    const token = await issuer.sign();
    for (let i = 0; i < 10; i++) expect((await verifier.verify(token)).client_id).toBe(TEST_CLIENT_ID);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it("verifies every time when turned off", async () => {
    const verifier = createVerifier(0);
    const token = await issuer.sign();
    for (let i = 0; i < 3; i++) await verifier.verify(token);
    expect(verify).toHaveBeenCalledTimes(3);
  });

  it("still refuses a cached token once it has expired", async () => {
    const verifier = createVerifier();
    const now = Math.floor(clock / 1000);
    const token = await issuer.sign(issuer.claims({ iat: now, exp: now + 60 }));
    await verifier.verify(token);
    clock += 64_000;
    await expect(verifier.verify(token)).resolves.toBeDefined(); // inside the 5 s tolerance
    clock += 1_000;
    expect(await codeOf(verifier.verify(token))).toBe("TOKEN_EXPIRED");
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it("verifies afresh a token that differs by one byte, and refuses it", async () => {
    const verifier = createVerifier();
    const token = await issuer.sign();
    await verifier.verify(token);
    // A byte of the signature that the base64url decoding does not ignore.
    const index = token.length - 10;
    const changed = `${token.slice(0, index)}${token[index] === "A" ? "B" : "A"}${token.slice(index + 1)}`;
    expect(await codeOf(verifier.verify(changed))).toBe("SIGNATURE_INVALID");
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it("refuses a token whose last character differs only in bits base64url ignores", async () => {
    const verifier = createVerifier();
    const token = await issuer.sign();
    await verifier.verify(token);
    // 256 signature bytes take 342 characters: the last one carries 4 unused bits.
    const last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(token.at(-1)!);
    const alias = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last | 1]!;
    expect(await codeOf(verifier.verify(`${token.slice(0, -1)}${alias}`))).toBe("TOKEN_MALFORMED");
  });

  it("never remembers a token that failed", async () => {
    const verifier = createVerifier();
    const [header, payload, signature] = (await issuer.sign()).split(".");
    const bad = `${header}.${payload}.${signature!.slice(0, -2)}AA`;
    expect(await codeOf(verifier.verify(bad))).toBe("SIGNATURE_INVALID");
    expect(await codeOf(verifier.verify(bad))).toBe("SIGNATURE_INVALID");
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it("forgets the least recently used token first", () => {
    const cache = new VerifiedTokenCache<string>(2);
    offer(cache, "a");
    offer(cache, "b");
    cache.get("a");
    offer(cache, "c");
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")?.claims).toBe("a");
    expect(cache.get("c")?.claims).toBe("c");
    expect(cache.size).toBe(2);
  });
});

describe("a full cache", () => {
  it("keeps a token that comes back while a stream of tokens seen once passes through", () => {
    const cache = new VerifiedTokenCache<string>(3);
    offer(cache, "hot");
    for (let i = 0; i < 50; i++) {
      offer(cache, `once-${i}`);
      if (i % 2 === 0) expect(cache.get("hot")?.claims).toBe("hot");
    }
    expect(cache.get("once-0")).toBeUndefined();
    expect(cache.get("once-49")?.claims).toBe("once-49");
    expect(cache.size).toBe(3);
  });

  it("lets a verifier keep its repeated token while new tokens pass", async () => {
    const verifier = createVerifier(2);
    const hot = await issuer.sign();
    await verifier.verify(hot);
    for (let i = 0; i < 5; i++) {
      await verifier.verify(await issuer.sign());
      verifier.verifyCached(hot);
    }
    verify.mockClear();
    for (let i = 0; i < 3; i++) await verifier.verify(hot);
    expect(verify).not.toHaveBeenCalled();
  });

  it("caches a new token at its first verification", async () => {
    const verifier = createVerifier(1);
    await verifier.verify(await issuer.sign());
    const token = await issuer.sign();
    await verifier.verify(token);
    expect(verifier.verifyCached(token)?.client_id).toBe(TEST_CLIENT_ID);
    expect(verify).toHaveBeenCalledTimes(2);
  });
});

describe("forgetting the verdicts of a key", () => {
  it("forgets only the tokens of that issuer's key, not another issuer's key under the same kid", () => {
    const cache = new VerifiedTokenCache<string>(10);
    cache.set("a1", { claims: "a1", iss: "https://a.example", kid: "k", exp: 1, iat: 0 });
    cache.set("a2", { claims: "a2", iss: "https://a.example", kid: "other", exp: 1, iat: 0 });
    cache.set("b1", { claims: "b1", iss: "https://b.example", kid: "k", exp: 1, iat: 0 });
    cache.forgetKeys("https://a.example", ["k"]);
    expect(cache.get("a1")).toBeUndefined();
    expect(cache.get("a2")?.claims).toBe("a2");
    expect(cache.get("b1")?.claims).toBe("b1");
  });
});
