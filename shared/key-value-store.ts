/**
 * The part of a key-value store the token cache uses, declared here so that the
 * library compiles against standard Web APIs alone: a Workers KV namespace
 * (`env.TOKEN_CACHE`) fits it as it is, and so does any store with these three calls.
 * @module
 */

/** A Workers KV namespace, or anything with the same `get`, `put` and `delete`. */
export interface KeyValueStore {
  /** The value as text, or null when there is none. */
  get(key: string): Promise<string | null>;
  /** `expirationTtl` in seconds; Workers KV refuses less than 60. */
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}
