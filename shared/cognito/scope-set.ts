/**
 * The scopes of a `scope` claim, as a set that cannot be changed and is shared by
 * every token carrying the same claim. A service sees the same few `scope` strings
 * (one per client, usually), and building a new set for every new token was a
 * measurable part of what a verification allocates (about 170 bytes a token in
 * workerd, 2026-12-02, where each kilobyte allocated cost about 1 µs).
 *
 * Shared, so it must not change: `add`, `delete` and `clear` throw a TypeError, and
 * the set is frozen. It is still a `Set` (`instanceof Set`, `has`, iteration). Only a
 * deliberate `Set.prototype.add.call(scopes, ...)` would change it, and with it every
 * token of that claim; code in the isolate able to do that could as well replace
 * `Set.prototype.has`, so the sharing opens nothing new.
 * @module
 */

// Distinct scope strings remembered; beyond, the oldest is forgotten (its set lives on
// in the claims that hold it). Only verified tokens reach here.
const MAX_REMEMBERED = 64;
const remembered = new Map<string, ReadonlySet<string>>();

function refuseChange(): never {
  throw new TypeError("a token's scopes cannot be changed");
}

function unchangeable(scopes: Set<string>): ReadonlySet<string> {
  for (const method of ["add", "delete", "clear"]) Object.defineProperty(scopes, method, { value: refuseChange });
  return Object.freeze(scopes);
}

const NO_SCOPES = unchangeable(new Set());

/** The scopes of a space-separated `scope` claim; repeated or empty parts count once or not at all. */
export function scopeSet(scope: string | undefined): ReadonlySet<string> {
  if (scope === undefined) return NO_SCOPES;
  let scopes = remembered.get(scope);
  if (scopes === undefined) {
    scopes = unchangeable(new Set(scope.split(" ").filter((name) => name !== "")));
    if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
    remembered.set(scope, scopes);
  }
  return scopes;
}
