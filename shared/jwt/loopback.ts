/**
 * What "loopback" means wherever plain http is allowed for local development: the
 * IPv4 literals of 127.0.0.0/8, `localhost` and `[::1]`, and nothing else. A prefix
 * test (`startsWith("127.")`) would also admit `127.attacker.example`, a public name
 * anyone can register and point anywhere.
 * @module
 */

// Four decimal octets, the first 127, each 0-255, no leading zeros (WHATWG URL parsing
// already turns `0x7f.1`, `2130706433` and `127.1` into this canonical form).
const IPV4_LOOPBACK =
  /^127\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * True for an IPv4 literal in 127.0.0.0/8 as a URL's `hostname` gives it (`127.1` is
 * already `127.0.0.1` there).
 * @example
 * isIpv4Loopback("127.0.0.1"); // true
 * isIpv4Loopback("localhost"); // false
 */
function isIpv4Loopback(hostname: string): boolean {
  return IPV4_LOOPBACK.test(hostname);
}

/**
 * True for a loopback host name as a URL's `hostname` gives it: `127.x.y.z`,
 * `localhost` or `[::1]`. Case-insensitive for `localhost`; no trailing dot.
 * @example
 * isLoopbackHost(new URL("http://127.0.0.1:8789/pool").hostname); // true
 * isLoopbackHost("127.attacker.example"); // false
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "[::1]" || hostname.toLowerCase() === "localhost" || isIpv4Loopback(hostname);
}
