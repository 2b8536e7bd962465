/**
 * Freezes the claims a verification returns, and every object and array in them, so
 * that the verified-token cache can hand the same claims to every request with the
 * same token: a route that writes to its claims gets a TypeError instead of changing
 * what the next request sees. A `Set` or `Map` in the claims keeps its own methods
 * (freezing does not stop `add`); the Cognito claims' scopes are a frozen array.
 * @module
 */

/**
 * Freezes `value` and what it holds, in place, and returns it.
 * @example
 * const claims = freezeDeep({ sub: "a", roles: ["reader"] });
 * claims.roles.push("admin"); // TypeError
 */
export function freezeDeep<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) freezeDeep((value as Record<string, unknown>)[key]);
  return value;
}
