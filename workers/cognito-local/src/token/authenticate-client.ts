/**
 * Checks a client's id and secret against the pool, in constant time.
 * @module
 */
import type { Pool, PoolClient } from "../pool";
import { OAuthError } from "./oauth-error";

async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
}

/**
 * Compares two secrets without leaking, through timing, how much of them matched.
 * Both are hashed first because `timingSafeEqual` (a Workers extension of
 * SubtleCrypto) needs inputs of equal length, and a length check would leak.
 */
async function secretsEqual(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(presented), sha256(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** Returns the client, or throws `invalid_client` with no hint of which part was wrong. */
export async function authenticateClient(pool: Pool, clientId: string, clientSecret: string | null): Promise<PoolClient> {
  const client = pool.clientsById.get(clientId);
  // Compare even when the client is unknown, so timing does not tell which ids exist.
  const expected = client?.secret ?? "\u0000no-secret\u0000";
  const matches = await secretsEqual(clientSecret ?? "", expected);
  if (!client || client.secret === null || clientSecret === null || !matches) {
    throw new OAuthError("invalid_client", "client authentication failed");
  }
  return client;
}
