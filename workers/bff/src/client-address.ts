/**
 * The key a client is counted under by the rate limit: its address, as Cloudflare
 * sets it in `CF-Connecting-IP` (which a client on the internet cannot forge:
 * Cloudflare's edge overwrites it).
 *
 * - An IPv4 client is its address.
 * - An IPv6 client is its /64, the smallest block a subscriber usually gets, since it
 *   can pick any address inside it at no cost. Only an IPv4-mapped address
 *   (`::ffff:0:0/96`, RFC 4291 section 2.5.5.2) is an IPv4 client, whichever way it is
 *   written; any other address with a dotted tail (`::192.0.2.1`, `64:ff9b::192.0.2.1`)
 *   is an IPv6 address like any other, so a dotted tail never lets a client choose its key.
 * - A Worker of another zone reaches MyBFF from Cloudflare's one Workers address,
 *   `2a06:98c0:3600::103`, with `CF-Worker` naming its zone (Cloudflare, "Workers >
 *   Runtime APIs > Headers", https://developers.cloudflare.com/workers/runtime-apis/headers/).
 *   Counted by that address, one Worker anywhere would use up the limit of every
 *   Worker; it is counted by its zone instead. `CF-Worker` is read on that address
 *   only: from any other address the header is whatever the client sent.
 * - A request with no `CF-Connecting-IP` did not come from the internet through
 *   Cloudflare (which sets it on every such request): it came through a service
 *   binding, from a Worker of the same account. Those share one key,
 *   {@link NO_ADDRESS_CLIENT}, so such a caller can use up that key's limit for every
 *   other caller without an address. That is kept on purpose: such a request carries
 *   nothing Cloudflare sets that names its caller (even `CF-Connecting-IP` is whatever
 *   the caller wrote), so no key would be more than the caller's own choice, and one
 *   shared key still bounds what these requests cost. A Worker that calls MyBFF for its
 *   own users should pass each user's `CF-Connecting-IP` on (forwarding the incoming
 *   request does), so that each user is counted by address.
 * @module
 */

/** The key of requests with no `CF-Connecting-IP` (through a service binding): one shared bucket. */
export const NO_ADDRESS_CLIENT = "unknown";

/** The address of every request a Worker of another zone sends (see the module comment). */
const WORKERS_ADDRESS = [0x2a06, 0x98c0, 0x3600, 0, 0, 0, 0, 0x103];

// Four decimal octets, each 0-255, no leading zeros (which some parsers read as octal).
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/**
 * The rate-limit key of the request's client.
 * @example
 * ```ts
 * clientKey(new Request("https://x/", { headers: { "CF-Connecting-IP": "2001:db8::1" } })); // "2001:db8:0:0::/64"
 * clientKey(new Request("https://x/", { headers: { "CF-Connecting-IP": "::ffff:192.0.2.1" } })); // "192.0.2.1"
 * ```
 */
export function clientKey(request: Request): string {
  const address = request.headers.get("CF-Connecting-IP")?.trim();
  if (!address) return NO_ADDRESS_CLIENT;
  if (!address.includes(":")) return address;
  const groups = ipv6Groups(address);
  // Not an address: kept as it is, so it is never merged with another client.
  if (groups === undefined) return address;
  if (groups.slice(0, 6).every((group, i) => group === (i === 5 ? 0xffff : 0))) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
  }
  if (groups.every((group, i) => group === WORKERS_ADDRESS[i])) {
    const zone = request.headers.get("CF-Worker")?.trim().toLowerCase();
    if (zone) return `worker:${zone}`;
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (RFC 4291 section 2.2), or undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const [head = "", tail] = halves;
  // A dotted IPv4 tail may end the address only.
  const left = groupsOf(head, tail === undefined);
  const right = tail === undefined ? [] : groupsOf(tail, true);
  if (left === undefined || right === undefined) return undefined;
  if (tail === undefined) return left.length === 8 ? left : undefined;
  const missing = 8 - left.length - right.length;
  if (missing < 1) return undefined;
  return [...left, ...Array<number>(missing).fill(0), ...right];
}

/** The groups of one side of `::`; a dotted IPv4 last part (when `endsAddress`) is two groups. */
function groupsOf(part: string, endsAddress: boolean): number[] | undefined {
  if (part === "") return [];
  const pieces = part.split(":");
  const groups: number[] = [];
  for (const [i, piece] of pieces.entries()) {
    if (endsAddress && i === pieces.length - 1 && IPV4.test(piece)) {
      const [a = 0, b = 0, c = 0, d = 0] = piece.split(".").map(Number);
      groups.push((a << 8) | b, (c << 8) | d);
    } else if (HEX_GROUP.test(piece)) {
      groups.push(Number.parseInt(piece, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}
