// The key the rate limit counts a client under: its IPv4 address, or its IPv6 /64
// however the address is written; one shared key for requests with no address.
import { describe, expect, it } from "vitest";
import { clientKey, UNKNOWN_CLIENT } from "../src/client-address";

const keyOf = (address?: string) =>
  clientKey(
    new Request("https://mybff.example/weatherforecast", { headers: address === undefined ? {} : { "CF-Connecting-IP": address } }),
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

  it("counts an IPv4 address written as IPv6 as that IPv4 address", () => {
    expect(keyOf("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(keyOf("::ffff:192.0.2.2")).toBe("192.0.2.2");
  });

  it("keeps an address it cannot parse as it is (never merged with another)", () => {
    expect(keyOf("2001:db8::1::2")).toBe("2001:db8::1::2");
    expect(keyOf("1:2:3:4:5:6:7")).toBe("1:2:3:4:5:6:7");
  });

  it("puts requests with no address in one shared bucket", () => {
    expect(keyOf()).toBe(UNKNOWN_CLIENT);
    expect(keyOf("")).toBe(UNKNOWN_CLIENT);
  });
});
