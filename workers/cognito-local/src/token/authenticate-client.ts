/**
 * Checks a client's id and secret against the pool, in constant time; either of a
 * client's (up to two) secrets authenticates it (secrets/client-secrets.ts).
 * @module
 */
import type { Pool, PoolClient } from "../pool";
import { ClientSecrets } from "../secrets/client-secrets";

// Compared against when the client is unknown, so timing does not tell which ids exist.
const NO_CLIENT_SECRETS = new ClientSecrets(null, 0);

/** The client when `clientSecret` is one of its secrets, otherwise null, with no hint of which part was wrong. */
export async function authenticatedClient(pool: Pool, clientId: string, clientSecret: string | null): Promise<PoolClient | null> {
  const client = pool.clientsById.get(clientId);
  const matches = await (client?.secrets ?? NO_CLIENT_SECRETS).matches(clientSecret);
  return client && matches ? client : null;
}
