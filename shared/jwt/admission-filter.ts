/**
 * Remembers, approximately, which tokens were verified recently, so that a full
 * verified-token cache admits a token only the second time it is verified (the
 * "doorkeeper" of TinyLFU: Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient
 * Cache Admission Policy", ACM Transactions on Storage 13(4), 2017).
 *
 * Why: a Worker that sees many tokens once each (one per user, say) would otherwise
 * store every verdict, and evict the tokens that do come back (a BFF's, sent for an
 * hour) to make room for tokens never seen again. Each stored verdict also outlives
 * the request, so the garbage collector copies and later collects it: on workerd
 * (2026-12-02, the Intel Xeon of bench/RESULTS.md) not storing them saved about
 * 1.5 µs a new token, a sixth of what its verification cost above the signature.
 *
 * A fixed table of 30-bit fingerprints, one slot per fingerprint's low bits, each new
 * token overwriting its slot: no allocation and no eviction work. The fingerprint is
 * taken from the end of the token, its signature, whose characters are as good as
 * random for tokens that verified. Two tokens sharing a fingerprint only means that
 * one is admitted at its first verification: the filter decides what is stored, never
 * what is accepted.
 * @module
 */

// The signature's last characters: 12 of them carry 66 or more random bits.
const FINGERPRINT_CHARACTERS = 12;
const LOW_25_BITS = 0x01ff_ffff;

/**
 * The token's last characters folded into 30 bits (each step rotates left by 5 and
 * XORs a character in), never 0 (an empty slot). Why not FNV-1a: its 32-bit products
 * do not fit V8's small integers, and in workerd each step then allocated a number
 * (about 150 bytes a token, in a heap-allocation profile); here every intermediate
 * value stays below 2^30. Random characters give random bits either way.
 */
function fingerprint(token: string): number {
  let hash = 0;
  const end = token.length;
  for (let i = Math.max(0, end - FINGERPRINT_CHARACTERS); i < end; i++) {
    hash = (((hash & LOW_25_BITS) << 5) | (hash >>> 25)) ^ token.charCodeAt(i);
  }
  return hash || 1;
}

export class AdmissionFilter {
  private readonly slots: Uint32Array;
  private readonly mask: number;

  /** @param entries how many tokens the cache holds: the table has at least twice as many slots. */
  constructor(entries: number) {
    let size = 16;
    while (size < 2 * entries) size *= 2;
    this.slots = new Uint32Array(size);
    this.mask = size - 1;
  }

  /** True when this token was seen recently; remembers it either way. */
  seenBefore(token: string): boolean {
    const print = fingerprint(token);
    const slot = print & this.mask;
    if (this.slots[slot] === print) return true;
    this.slots[slot] = print;
    return false;
  }
}
