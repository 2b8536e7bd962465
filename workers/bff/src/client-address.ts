/**
 * The key a client is counted under by the rate limit: its address, as Cloudflare
 * sets it in `CF-Connecting-IP` (which a client cannot forge: Cloudflare's edge
 * overwrites it). An IPv6 client is counted by its /64, the smallest block a
 * subscriber usually gets, since it can pick any address inside it at no cost; an
 * IPv4 address written as IPv6 counts as that IPv4 address.
 * @module
 */

/** The key of requests with no `CF-Connecting-IP` (not from the internet): one shared bucket. */
export const UNKNOWN_CLIENT = "unknown";

/**
 * The rate-limit key of the request's client.
 * @example
 * ```ts
 * clientKey(new Request("https://x/", { headers: { "CF-Connecting-IP": "2001:db8::1" } })); // "2001:db8:0:0::/64"
 * ```
 */
export function clientKey(request: Request): string {
  const address = request.headers.get("CF-Connecting-IP")?.trim();
  if (!address) return UNKNOWN_CLIENT;
  if (!address.includes(":")) return address;
  // An IPv4 address written as IPv6 (::ffff:192.0.2.1, NAT64) is that IPv4 client.
  if (address.includes(".")) return address.slice(address.lastIndexOf(":") + 1);
  return ipv6Prefix64(address) ?? address;
}

/** The first four groups of an IPv6 address, or undefined when it is not one. */
function ipv6Prefix64(address: string): string | undefined {
  const [head = "", tail, extra] = address.toLowerCase().split("::");
  if (extra !== undefined) return undefined;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const full = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right];
  const prefix = full.slice(0, 4);
  if (!prefix.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return `${prefix.map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
