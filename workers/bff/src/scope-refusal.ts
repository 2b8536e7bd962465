/**
 * MyService refused the token's scopes (403 `insufficient_scope`, RFC 6750 §3.1): the
 * scopes MyBFF asks for (TOKEN_SCOPES) or the app client's allowed scopes are wrong. A
 * configuration problem, which no retry fixes: MyBFF answers 500 `misconfigured` and,
 * for one back-off period, answers so at once (no token, no call to MyService), so that
 * the problem is logged once per period, not once per request.
 * @module
 */

/** Whether a MyService answer is a refusal of the token's scopes. */
export function isScopeRefusal(response: { status: number; headers: Headers }): boolean {
  return response.status === 403 && /\berror="insufficient_scope"/.test(response.headers.get("WWW-Authenticate") ?? "");
}

/** The refusal remembered for one back-off period, in one isolate. */
export class ScopeRefusal {
  private until = 0;

  constructor(
    private readonly periodMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a refusal is remembered: answer 500 without asking MyService. */
  active(): boolean {
    return this.now() < this.until;
  }

  /** Remembers a refusal; true when none was remembered (the caller logs it once). */
  refused(): boolean {
    const first = !this.active();
    if (first) this.until = this.now() + this.periodMs;
    return first;
  }
}
