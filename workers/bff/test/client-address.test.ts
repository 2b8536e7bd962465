// The key the rate limit counts a client under: its IPv4 address, or its IPv6 /64
// however the address is written (an IPv4-mapped address, ::ffff:0:0/96, is its IPv4
// address; no other IPv6 address is); a Worker on another zone by its zone; one shared
// key for requests with no address.
import { describe, expect, it } from "vitest";
import { clientKey, NO_ADDRESS_CLIENT } from "../src/client-address";

const keyOf = (address?: string, headers: Record<string, string> = {}) =>
  clientKey(
    new Request("https://mybff.example/weatherforecast", {
      headers: address === undefined ? headers : { ...headers, "CF-Connecting-IP": address },
    }),
  );

describe("clientKey", () => {
  it("is the IPv4 address itself", () => {
    expect(keyOf("203.0.113.7")).toBe("203.0.113.7");
    expect(keyOf(" 203.0.113.7 ")).toBe("203.0.113.7");
  });

  it.each([
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:DB8:1:2:0:0:0:FFFF", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
  ])("counts %s by its /64 (%s)", (address, key) => {
    expect(keyOf(address)).toBe(key);
  });

  it.each([
    ["::ffff:192.0.2.1", "192.0.2.1"],
    ["::ffff:192.0.2.2", "192.0.2.2"],
    ["::FFFF:192.0.2.1", "192.0.2.1"],
    ["0:0:0:0:0:ffff:192.0.2.1", "192.0.2.1"],
    // The same address in hex is the same client.
    ["::ffff:c000:201", "192.0.2.1"],
    ["0000:0000:0000:0000:0000:FFFF:C000:0201", "192.0.2.1"],
  ])("counts the IPv4-mapped address %s (::ffff:0:0/96) as that IPv4 address", (address, key) => {
    expect(keyOf(address)).toBe(key);
  });

  // RFC 4291 section 2.5.5.2: only ::ffff:0:0/96 holds an IPv4 node's address. Any other
  // IPv6 address, dotted tail or not, is an IPv6 client: its /64, as every IPv6 client.
  it.each([
    // IPv4-compatible (deprecated, RFC 4291 section 2.5.5.1)
    ["::192.0.2.1", "0:0:0:0::/64"],
    // NAT64 well-known prefix (RFC 6052)
    ["64:ff9b::192.0.2.1", "64:ff9b:0:0::/64"],
    // IPv4-translated (RFC 2765), one group short of mapped
    ["::ffff:0:192.0.2.1", "0:0:0:0::/64"],
    ["2001:db8:1:2:3:4:192.0.2.1", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::192.0.2.1", "2001:db8:1:2::/64"],
  ])("counts %s, which is not IPv4-mapped, by its /64 (%s)", (address, key) => {
    expect(keyOf(address)).toBe(key);
  });

  it("never lets a dotted tail choose the key: two addresses of one /64 share it", () => {
    expect(keyOf("2001:db8:1:2::203.0.113.1")).toBe(keyOf("2001:db8:1:2::203.0.113.2"));
    expect(keyOf("2001:db8:1:2::203.0.113.1")).toBe(keyOf("2001:db8:1:2::1"));
  });

  it.each(["::ffff:192.0.2.256", "::ffff:192.0.2", "::ffff:192.0.02.1", "::ffff:1.2.3.4.5", "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4::"])(
    "keeps %s, which is not an address, as it is",
    (address) => {
      expect(keyOf(address)).toBe(address);
    },
  );

  it("keeps an address it cannot parse as it is (never merged with another)", () => {
    expect(keyOf("2001:db8::1::2")).toBe("2001:db8::1::2");
    expect(keyOf("1:2:3:4:5:6:7")).toBe("1:2:3:4:5:6:7");
  });

  it("puts requests with no address (a service binding's) in one shared bucket", () => {
    expect(keyOf()).toBe(NO_ADDRESS_CLIENT);
    expect(keyOf("")).toBe(NO_ADDRESS_CLIENT);
    expect(keyOf(undefined, { "CF-Worker": "partner.example" })).toBe(NO_ADDRESS_CLIENT);
  });

  // Cloudflare, "Workers > Runtime APIs > Headers"
  // (https://developers.cloudflare.com/workers/runtime-apis/headers/): a request that a
  // Worker of another zone sends comes with CF-Connecting-IP 2a06:98c0:3600::103 and
  // CF-Worker naming that Worker's zone.
  it("counts a Worker of another zone by its zone, not in the one bucket of every Worker", () => {
    const partner = keyOf("2a06:98c0:3600::103", { "CF-Worker": "partner.example" });
    const other = keyOf("2a06:98c0:3600::103", { "CF-Worker": "other.example" });
    expect(partner).toBe("worker:partner.example");
    expect(other).toBe("worker:other.example");
    expect(keyOf("2a06:98c0:3600:0:0:0:0:103", { "CF-Worker": "Partner.Example" })).toBe(partner);
  });

  it("reads CF-Worker only on the Workers address: from anywhere else the header is the client's own", () => {
    expect(keyOf("203.0.113.7", { "CF-Worker": "partner.example" })).toBe("203.0.113.7");
    expect(keyOf("2a06:98c0:3600::104", { "CF-Worker": "partner.example" })).toBe("2a06:98c0:3600:0::/64");
    expect(keyOf("2a06:98c0:3600::103")).toBe("2a06:98c0:3600:0::/64");
    expect(keyOf("2a06:98c0:3600::103", { "CF-Worker": " " })).toBe("2a06:98c0:3600:0::/64");
  });
});
