/**
 * Remembers tokens whose signature and claims have been verified, keyed by the
 * exact token string, so that a token sent again (a BFF sends the same one for an
 * hour) costs a map lookup instead of an RSA verification.
 *
 * Only what cannot change is cached: the signature and the claims checks. The time
 * window is checked again on every hit by the verifier, and the scope by the route.
 * A token that failed is never stored. Bounded: the least recently used entry goes
 * first (a `Map` keeps insertion order; a hit re-inserts its entry at the end).
 * @module
 */

import type { TimeWindow } from "./registered-claims.ts";

export interface CachedVerdict<T> extends TimeWindow {
  claims: T;
  /** The issuer whose key verified the token: with `kid`, it names that key. */
  iss: string;
  kid: string;
}

export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, CachedVerdict<T>>();

  constructor(private readonly maxEntries: number) {}

  get(token: string): CachedVerdict<T> | undefined {
    const entry = this.entries.get(token);
    if (entry !== undefined) {
      this.entries.delete(token);
      this.entries.set(token, entry);
    }
    return entry;
  }

  set(token: string, verdict: CachedVerdict<T>): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(token);
    this.entries.set(token, verdict);
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  /** Forgets every token signed by one of these keys of this issuer (they left its key set, or changed). */
  forgetKeys(issuer: string, kids: readonly string[]): void {
    for (const [token, verdict] of this.entries) {
      if (verdict.iss === issuer && kids.includes(verdict.kid)) this.entries.delete(token);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
