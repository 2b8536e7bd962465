/**
 * Remembers tokens whose signature and claims have been verified, keyed by the
 * exact token string, so that a token sent again (a BFF sends the same one for an
 * hour) costs a map lookup instead of an RSA verification.
 *
 * Only what cannot change is cached: the signature and the claims checks. The time
 * window is checked again on every hit by the verifier, and the scope by the route.
 * A token that failed is never stored. Every hit hands out the same claims object,
 * so the verifier freezes it (./freeze-deep.ts): what one request does with its
 * claims cannot change what the next request with the same token sees.
 *
 * Bounded, by "second chance", which keeps what is in use as LRU does at a lower cost:
 * a hit only marks its entry; when the cache is full, the oldest entry goes unless it
 * was used since it came in, in which case it is unmarked and moved to the end (a `Map`
 * keeps insertion order) and the next oldest is considered. A hit then costs one lookup
 * and one write, with no re-insertion into the map. A token that comes back (a BFF's,
 * sent for an hour) stays as long as it is used again before as many new tokens as
 * the cache holds have passed through it.
 * @module
 */

import type { TimeWindow } from "./registered-claims.ts";

export interface CachedVerdict<T> extends TimeWindow {
  claims: T;
  /** The issuer whose key verified the token: with `kid`, it names that key. */
  iss: string;
  kid: string;
}

interface Entry<T> {
  verdict: CachedVerdict<T>;
  used: boolean;
}

export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly maxEntries: number) {}

  get(token: string): CachedVerdict<T> | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    entry.used = true;
    return entry.verdict;
  }

  /** Remembers a verdict. */
  set(token: string, verdict: CachedVerdict<T>): void {
    // A cache of size 0 stores nothing (and makeRoom would never end).
    if (this.maxEntries <= 0) return;
    // Room is made before the token goes in, so that the newcomer is never the one evicted.
    if (!this.entries.delete(token)) this.makeRoom();
    this.entries.set(token, { verdict, used: false });
  }

  /** Evicts until there is room for one more. Each pass unmarks or evicts one entry: at most size + 1 passes. */
  private makeRoom(): void {
    while (this.entries.size >= this.maxEntries) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      if (entry.used) {
        entry.used = false;
        this.entries.set(oldest, entry);
      }
    }
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  /** Forgets every token signed by one of these keys of this issuer (they left its key set, or changed). */
  forgetKeys(issuer: string, kids: readonly string[]): void {
    for (const [token, { verdict }] of this.entries) {
      if (verdict.iss === issuer && kids.includes(verdict.kid)) this.entries.delete(token);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
