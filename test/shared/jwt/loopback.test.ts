// Exact loopback: the only hosts where plain http is allowed for an issuer.
import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "../../../shared/jwt/loopback";

const hostOf = (url: string) => new URL(url).hostname;

describe("isLoopbackHost", () => {
  it.each([
    "http://127.0.0.1",
    "http://127.0.0.1:8789/x",
    "http://127.255.255.255",
    "http://127.1.2.3",
    "http://localhost:1",
    "http://LOCALHOST",
    "http://[::1]:8789",
    "http://127.1",
    "http://0x7f.0.0.1",
  ])("accepts %s", (url) => {
    expect(isLoopbackHost(hostOf(url))).toBe(true);
  });

  it.each([
    "http://127.attacker.example",
    "http://127.0.0.1.attacker.example",
    "http://127.0.0.1.nip.io",
    "http://localhost.attacker.example",
    "http://attacker-localhost",
    "http://128.0.0.1",
    "http://10.0.0.1",
    "http://[::2]",
    "http://[::ffff:127.0.0.1]",
    "http://0.0.0.0",
  ])("refuses %s", (url) => {
    expect(isLoopbackHost(hostOf(url))).toBe(false);
  });

  it("refuses host names given raw, not parsed by URL", () => {
    expect(isLoopbackHost("127.0.0.256")).toBe(false);
    expect(isLoopbackHost("127.00.0.1")).toBe(false);
    expect(isLoopbackHost("")).toBe(false);
  });
});
