// Canonical base64url decoding: what the verifier decodes every segment of a token with.
import { describe, expect, it } from "vitest";
import { decodeBase64url } from "../../../shared/jwt/base64url";

describe("decodeBase64url", () => {
  it("decodes both URL-safe characters", () => {
    expect([...decodeBase64url("aGk")!]).toEqual([104, 105]);
    expect([...decodeBase64url("-_8")!]).toEqual([0xfb, 0xff]);
  });

  it("decodes what btoa encodes, for every length", () => {
    for (let n = 1; n <= 40; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      const text = btoa(String.fromCharCode(...bytes))
        .replaceAll("+", "-")
        .replaceAll("/", "_")
        .replace(/=+$/, "");
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
    expect(decodeBase64url(text)).toBeUndefined();
  });
});
