/**
 * The token cache's one typed layer over KV, for both of its records (the token and
 * the back-off, laid out in encrypted-token-store.ts): each call is bounded by a
 * timeout, and a KV failure or slowness is logged and read as "nothing there", so
 * that KV never fails a request. A back-off record that ends beyond the reader's cap
 * is refused and deleted: whatever wrote it (a clock far ahead, a longer cap set
 * elsewhere), it cannot stop this client for longer than one back-off.
 * @module
 */
import type { KeyValueStore } from "../key-value-store.ts";
import type { Logger } from "../log.ts";
import { parseIssuedToken, SealedStore, ttlSeconds } from "./encrypted-token-store.ts";
import type { IssuedToken } from "./request-token.ts";
import { type BackOffRecord, backOffStoreKey, parseBackOffRecord } from "./token-backoff.ts";

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

export class TokenCacheStore {
  private readonly sealed: SealedStore;

  /** `tokenKey`: the token's KV key (encrypted-token-store.ts's tokenStoreKey); the back-off's is derived from it. */
  constructor(
    kv: KeyValueStore,
    private readonly tokenKey: Promise<string>,
    clientSecret: string,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {
    this.sealed = new SealedStore(kv, clientSecret);
  }

  async readToken(): Promise<IssuedToken | null> {
    return parseIssuedToken(await this.call(async (key) => this.sealed.get(key), "KV read"));
  }

  async writeToken(token: IssuedToken, nowMs: number): Promise<void> {
    await this.call((key) => this.sealed.put(key, token, ttlSeconds(token.expiresAt, nowMs)), "KV write");
  }

  async deleteToken(): Promise<void> {
    await this.call((key) => this.sealed.delete(key), "KV delete");
  }

  /** The back-off record, or null: none, not sealed with this secret, or ending beyond `maxMs` from now (then deleted). */
  async readBackOff(nowMs: number, maxMs: number): Promise<BackOffRecord | null> {
    const record = parseBackOffRecord(await this.call((key) => this.sealed.get(backOffStoreKey(key)), "KV read"));
    if (record && record.until > nowMs + maxMs) {
      this.logger("warn", "token_backoff_refused", {
        reason: "a back-off record ends beyond the cap (backOff.maxDelayMs): deleted, not honoured",
        step: record.step,
        code: record.code,
      });
      await this.deleteBackOff();
      return null;
    }
    return record;
  }

  async writeBackOff(record: BackOffRecord, nowMs: number): Promise<void> {
    await this.call((key) => this.sealed.put(backOffStoreKey(key), record, ttlSeconds(record.until, nowMs)), "KV write");
  }

  async deleteBackOff(): Promise<void> {
    await this.call((key) => this.sealed.delete(backOffStoreKey(key)), "KV delete");
  }

  /** Runs a KV operation on the token's key; a failure or a timeout is logged and gives undefined. */
  private async call<T>(operation: (tokenKey: string) => Promise<T>, what: string): Promise<T | undefined> {
    try {
      return await withTimeout(
        this.tokenKey.then((key) => operation(key)),
        this.timeoutMs,
        what,
      );
    } catch (error) {
      this.logger("warn", "token_cache_kv_failed", { operation: what, reason: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  }
}
