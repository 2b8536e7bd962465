// The atob path of shared/jwt/base64url.ts: what runs wherever Uint8Array.fromBase64
// is missing (Node 20, older browsers). The module picks its path when it loads, so
// the native functions are hidden first and the module is loaded afresh; the same
// cases as the native path must give the same answers.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

type Decoder = typeof import("../../shared/jwt/base64url");
const hidden = { fromBase64: Object.getOwnPropertyDescriptor(Uint8Array, "fromBase64") };
const hiddenSet = Object.getOwnPropertyDescriptor(Uint8Array.prototype, "setFromBase64");
let fallback: Decoder;
let atobCalls = 0;

beforeAll(async () => {
  Reflect.deleteProperty(Uint8Array, "fromBase64");
  Reflect.deleteProperty(Uint8Array.prototype, "setFromBase64");
  const atob = globalThis.atob;
  vi.stubGlobal("atob", (text: string) => {
    atobCalls++;
    return atob(text);
  });
  vi.resetModules();
  fallback = await import("../../shared/jwt/base64url");
});

afterAll(() => {
  vi.unstubAllGlobals();
  if (hidden.fromBase64) Object.defineProperty(Uint8Array, "fromBase64", hidden.fromBase64);
  if (hiddenSet) Object.defineProperty(Uint8Array.prototype, "setFromBase64", hiddenSet);
});

const bytes = (text: string) => [...new TextEncoder().encode(text)];

describe("base64url without Uint8Array.fromBase64", () => {
  it("decodes canonical base64url with atob", () => {
    const before = atobCalls;
    expect([...fallback.decodeBase64url("aGk")!]).toEqual(bytes("hi"));
    expect([...fallback.decodeBase64url("aGVsbG8gd29ybGQ")!]).toEqual(bytes("hello world"));
    expect([...fallback.decodeBase64url("-_8")!]).toEqual([0xfb, 0xff]);
    expect(atobCalls - before).toBe(3);
  });

  it.each([
    ["aGk=", "padded"],
    ["aGl", "non-zero unused bits"],
    ["a+k", "the standard alphabet"],
    ["a/k", "the standard alphabet"],
    ["aG k", "whitespace"],
    ["a", "an impossible length"],
    ["", "empty"],
  ])("refuses %j (%s)", (segment) => {
    expect(fallback.decodeBase64url(segment)).toBeUndefined();
  });
});
