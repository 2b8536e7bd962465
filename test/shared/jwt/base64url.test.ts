// Canonical base64url decoding into a caller's buffer: what the verifier decodes every token with.
import { describe, expect, it } from "vitest";
import { decodeBase64url, decodeBase64urlInto } from "../../../shared/jwt/base64url";

describe("decodeBase64urlInto", () => {
  it("writes the bytes at the start of the buffer and says how many", () => {
    const target = new Uint8Array(8).fill(0xff);
    expect(decodeBase64urlInto("aGk", target)).toBe(2);
    expect([...target.subarray(0, 3)]).toEqual([104, 105, 0xff]);
    expect(decodeBase64urlInto("-_8", target)).toBe(2);
    expect([...target.subarray(0, 2)]).toEqual([0xfb, 0xff]);
  });

  it("decodes what decodeBase64url decodes, for every length", () => {
    const target = new Uint8Array(64);
    for (let n = 1; n <= 40; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      const text = btoa(String.fromCharCode(...bytes))
        .replaceAll("+", "-")
        .replaceAll("/", "_")
        .replace(/=+$/, "");
      expect(decodeBase64urlInto(text, target)).toBe(n);
      expect([...target.subarray(0, n)]).toEqual([...bytes]);
      expect([...decodeBase64url(text)!]).toEqual([...bytes]);
    }
  });

  it.each([
    ["empty", ""],
    ["padded", "aGk="],
    ["unused bits set", "aGl"],
    ["one character too many", "aGkxa"],
    ["standard alphabet", "a+k/"],
    ["whitespace", "aG k"],
    ["a newline", "aGk\n"],
    ["a dot", "aG.k"],
    ["non-ASCII", "aGké"],
  ])("refuses %s", (_, text) => {
    expect(decodeBase64urlInto(text, new Uint8Array(16))).toBeUndefined();
  });

  it("refuses what does not fit, writing nothing past the buffer", () => {
    const target = new Uint8Array(4);
    expect(decodeBase64urlInto("aGVsbG8", target)).toBeUndefined();
    expect(decodeBase64urlInto("aGVs", new Uint8Array(3))).toBe(3);
  });
});
