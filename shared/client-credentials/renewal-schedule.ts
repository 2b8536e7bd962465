/**
 * When an isolate renews the token it holds, in the background, ahead of expiry: a
 * pure function of the token, the safety margin, the isolate's location and a
 * random number, so that the placement can be tested on its own.
 *
 * - Without a location: at a random point between 75 % and 85 % of the usable
 *   lifetime (the lifetime less the safety margin). AWS's advice is to renew at about
 *   75 %; the jitter keeps isolates from renewing together.
 * - With a location (`request.cf.colo`): at a point drawn from the location and the
 *   token, spread over 50 % to 95 % of the usable lifetime, plus up to 30 s per
 *   isolate, so that locations renew one after another and most find a newer token
 *   in KV first (KV takes up to 60 s to reach other locations).
 * Fractions of the usable lifetime, so that even a 5-minute token leaves a renewal
 * window of about a minute before it is unusable.
 * @module
 */
import type { IssuedToken } from "./request-token.ts";

const RENEW_AFTER_FRACTION = 0.75;
const RENEW_JITTER_FRACTION = 0.1;
/** With a location: its slot within 50 % to 95 % of the usable lifetime... */
const SLOT_FROM_FRACTION = 0.5;
const SLOT_SPAN_FRACTION = 0.45;
/** ...and each isolate up to 30 s after it, so that one isolate of a location renews and the others find its token in KV. */
const SLOT_ISOLATE_JITTER_MS = 30_000;

/** A number in [0, 1) from a string (FNV-1a, 32 bits): the same everywhere for the same text. */
function spread(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}

/**
 * The time (milliseconds since the epoch) at which to renew `token`.
 * @param random a number in [0, 1)
 * @example
 * renewalTime({ accessToken, obtainedAt: 0, expiresAt: 3_600_000 }, 60_000, undefined, 0); // 2,655,000
 */
export function renewalTime(token: IssuedToken, marginMs: number, location: string | undefined, random: number): number {
  const usableLifetime = token.expiresAt - marginMs - token.obtainedAt;
  if (location === undefined) {
    return token.obtainedAt + usableLifetime * (RENEW_AFTER_FRACTION + random * RENEW_JITTER_FRACTION);
  }
  const slot = SLOT_FROM_FRACTION + SLOT_SPAN_FRACTION * spread(`${location}|${token.obtainedAt}`);
  const latest = token.obtainedAt + usableLifetime * (SLOT_FROM_FRACTION + SLOT_SPAN_FRACTION);
  return Math.min(latest, token.obtainedAt + usableLifetime * slot + random * SLOT_ISOLATE_JITTER_MS);
}
