/**
 * Everything one cognito-local isolate holds: the pool read from the template, its
 * signing keys and its request counters, created on the first request and kept.
 * @module
 */
import { SigningKeys } from "./keys/signing-keys";
import { buildPool, type Pool } from "./pool";
import { TokenRequestStats } from "./token/token-request-stats";

export interface LocalPool {
  pool: Pool;
  keys: SigningKeys;
  stats: TokenRequestStats;
  /** Seconds since the epoch. */
  now(): number;
}

let current: Promise<LocalPool> | null = null;

/** The isolate's pool; a configuration error is remembered and reported on every request. */
export function localPool(env: Env): Promise<LocalPool> {
  current ??= (async () => {
    const pool = await buildPool(env as unknown as Record<string, unknown>);
    const longestLifetime = Math.max(0, ...[...pool.clientsById.values()].map((c) => c.accessTokenValiditySeconds));
    return {
      pool,
      keys: new SigningKeys(env.COGNITO_STATE, longestLifetime),
      stats: new TokenRequestStats(),
      now: () => Math.floor(Date.now() / 1000),
    };
  })();
  return current;
}
