/**
 * The scopes of a `scope` claim, as a `Set` that refuses changes. The verified-token
 * cache hands the same claims to every request with the same token, so a route that
 * could add a scope to its token's set would add it for the next request too: `add`,
 * `delete` and `clear` throw a TypeError, and the set is frozen. It is still a `Set`
 * (`instanceof Set`, `has`, `size`, iteration).
 * @module
 */

function refuseChange(): never {
  throw new TypeError("a token's scopes cannot be changed");
}

export class ScopeSet extends Set<string> {
  /** The scopes of a space-separated `scope` claim; repeated or empty parts count once or not at all. */
  constructor(scope: string | undefined) {
    super();
    if (scope !== undefined) {
      // Set's own add: this class's refuses.
      for (const name of scope.split(" ")) if (name !== "") super.add(name);
    }
    Object.freeze(this);
  }

  override add(_scope: string): never {
    refuseChange();
  }

  override delete(_scope: string): never {
    refuseChange();
  }

  override clear(): never {
    refuseChange();
  }
}
