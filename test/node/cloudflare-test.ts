// What `cloudflare:test` gives the library's tests in workerd, for the same tests run
// in Node (vitest.config.ts aliases the module here): the shared project's bindings,
// with an in-memory store that keeps Workers KV's rules the tests rely on (values are
// strings, an expirationTtl under 60 s is refused, an expired key reads as null).
const KV_MIN_TTL_SECONDS = 60;

interface Entry {
  value: string;
  /** Seconds since the epoch, as Workers KV's `list` gives it. */
  expiration?: number;
}

class MemoryKv {
  private readonly entries = new Map<string, Entry>();

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiration !== undefined && entry.expiration * 1000 <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async put(key: string, value: string, options: { expirationTtl?: number } = {}): Promise<void> {
    if (typeof value !== "string") throw new TypeError("this store keeps strings only");
    const ttl = options.expirationTtl;
    if (ttl !== undefined && !(ttl >= KV_MIN_TTL_SECONDS)) {
      throw new Error(`KV PUT failed: 400 Invalid expiration_ttl of ${ttl}. Expiration TTL must be at least ${KV_MIN_TTL_SECONDS}.`);
    }
    this.entries.set(key, { value, expiration: ttl === undefined ? undefined : Math.floor(Date.now() / 1000) + ttl });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async list(): Promise<{ keys: { name: string; expiration?: number }[]; list_complete: true }> {
    const names = [...this.entries.keys()].filter((name) => this.live(name) !== undefined).sort();
    return { keys: names.map((name) => ({ name, expiration: this.entries.get(name)!.expiration })), list_complete: true };
  }
}

export const env = { TEST_KV: new MemoryKv(), FUZZ_RUNS: process.env.FUZZ_RUNS ?? "" };
