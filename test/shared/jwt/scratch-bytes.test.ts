// Tokens are decoded into buffers reused from one token to the next (shared/jwt/scratch-bytes.ts).
// Verifications that overlap, each waiting for keys at some point, must still check
// each token's own bytes.
import { describe, expect, it } from "vitest";
import { CognitoAccessTokenVerifier } from "../../../shared/cognito/cognito-verifier";
import type { TokenRejectedError } from "../../../shared/errors";
import { ScratchBytes } from "../../../shared/jwt/scratch-bytes";
import { TEST_CLIENT_ID, TestIssuer } from "../../workerd/test-issuer";

async function outcome(promise: Promise<{ jti?: string }>): Promise<string> {
  try {
    return `jti:${(await promise).jti}`;
  } catch (error) {
    return (error as TokenRejectedError).code;
  }
}

/** No verified-token cache: every verification decodes its token. */
function uncachedVerifier(issuer: TestIssuer): CognitoAccessTokenVerifier {
  return new CognitoAccessTokenVerifier({
    issuer: issuer.issuer,
    clientIds: [TEST_CLIENT_ID],
    jwks: { fetch: issuer.fetch },
    verifiedTokenCacheSize: 0,
  });
}

describe("overlapping verifications", () => {
  it("check each token's own signature when they all wait for the key set", async () => {
    const issuer = await TestIssuer.create();
    const verifier = uncachedVerifier(issuer);
    const jtis = Array.from({ length: 6 }, (_, i) => `token-${i}`);
    const tokens = await Promise.all(jtis.map((jti) => issuer.sign(issuer.claims({ jti }))));
    // One token with another token's signature: refused, whatever was decoded after it.
    const [header, payload] = tokens[0]!.split(".");
    const swapped = `${header}.${payload}.${tokens[1]!.split(".")[2]}`;
    // No key is loaded yet: every verification awaits the key set after decoding its token.
    const results = await Promise.all([...tokens, swapped].map((token) => outcome(verifier.verify(token))));
    expect(results).toEqual([...jtis.map((jti) => `jti:${jti}`), "SIGNATURE_INVALID"]);
  });

  it("check each token's own signature once the keys are loaded", async () => {
    const issuer = await TestIssuer.create();
    const verifier = uncachedVerifier(issuer);
    await verifier.verify(await issuer.sign());
    const tokens = await Promise.all([0, 1, 2].map((i) => issuer.sign(issuer.claims({ jti: `t${i}` }))));
    const tampered = `${tokens[2]!.slice(0, -6)}AAAAAA`;
    const results = await Promise.all([tokens[0]!, tampered, tokens[1]!].map((token) => outcome(verifier.verify(token))));
    expect(results).toEqual(["jti:t0", "SIGNATURE_INVALID", "jti:t1"]);
  });
});

describe("a scratch buffer's views", () => {
  it("are reused while the length repeats, and always show the current buffer", () => {
    const scratch = new ScratchBytes();
    scratch.atLeast(4).set([1, 2, 3, 4]);
    const view = scratch.view(3);
    expect([...view]).toEqual([1, 2, 3]);
    expect(scratch.view(3)).toBe(view);
    expect([...scratch.view(4)]).toEqual([1, 2, 3, 4]);
    const before = scratch.view(3);
    // Grown: a view of the same length as the last one is a view of the new buffer.
    const grown = scratch.atLeast(10_000);
    grown.set([9, 8, 7]);
    const after = scratch.view(3);
    expect(after).not.toBe(before);
    expect(after.buffer).toBe(grown.buffer);
    expect([...after]).toEqual([9, 8, 7]);
  });
});
