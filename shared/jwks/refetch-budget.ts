/**
 * How many JWKS fetches unknown `kid`s may cause: a token bucket. It holds at most
 * `burst` fetches and earns one back every `intervalMs`; a fetch that found the kid
 * it was made for gives its token back (only the issuer can make a kid appear, so an
 * attacker cannot earn fetches that way).
 *
 * The trade-off it sets, under a flood of forged kids that never stops:
 * - fetches per minute per isolate: at most `burst - 1 + ceil(60 s / intervalMs)`;
 * - a key the issuer has just published is picked up by the first fetch after it,
 *   so it is refused for at most `intervalMs` (tokens signed with it before then get
 *   `KID_UNKNOWN`).
 * With remote-jwks.ts's defaults (burst 1, 5 s): 12 a minute, and at most 5 s.
 * @module
 */

export class RefetchBudget {
  private tokens: number;
  private updatedAt: number;

  /**
   * @param burst fetches allowed at once when the bucket is full (at least 1)
   * @param intervalMs time to earn one fetch back
   * @param start the clock's time at creation, in ms
   * @example
   * const budget = new RefetchBudget(1, 5_000, Date.now());
   * if (budget.take(Date.now())) await refresh();
   */
  constructor(
    private readonly burst: number,
    private readonly intervalMs: number,
    start: number,
  ) {
    this.tokens = burst;
    this.updatedAt = start;
  }

  private refill(now: number): void {
    if (now <= this.updatedAt) return;
    if (this.intervalMs === 0) {
      this.tokens = this.burst;
    } else {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.updatedAt) / this.intervalMs);
    }
    this.updatedAt = now;
  }

  /** Spends one fetch if one is available at `now`. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Gives a spent fetch back (it found what it was made for). */
  refund(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  /** Milliseconds until a fetch is available, 0 if one is now. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * this.intervalMs);
  }
}
