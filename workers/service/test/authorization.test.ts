// MyService's authorization with real tokens from cognito-local, through the worker.
import { env, SELF } from "cloudflare:test";
import { base64url, decodeProtectedHeader } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { kidOf, OTHER_CLIENT_SECRET, rotateKeys, stats, tokenFor } from "#test/workerd/cognito-local-client.ts";
import app from "../src/index";

/** The verifier's default `jwks.cooldownMs` (shared/README.md's option table). */
const JWKS_COOLDOWN_MS = 5_000;

const URL_ = "http://myservice/weatherforecast";
const get = (headers: Record<string, string> = {}, url = URL_) => SELF.fetch(url, { headers });

afterEach(() => vi.restoreAllMocks());

describe("authorization", () => {
  it("answers 401 with a bare Bearer challenge and a problem without a token", async () => {
    const response = await get();
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
  });

  it("ignores a token in the query string", async () => {
    const response = await get({}, `${URL_}?access_token=${await tokenFor()}`);
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe("Bearer");
  });

  it("accepts the scheme in lower case", async () => {
    expect((await get({ Authorization: `bearer ${await tokenFor()}` })).status).toBe(200);
  });

  it("refuses a token of a client that is not allowed with invalid_token", async () => {
    const response = await get({ Authorization: `Bearer ${await tokenFor("Other", OTHER_CLIENT_SECRET)}` });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer error="invalid_token"/);
  });

  it("refuses a valid token of an allowed client without the scope with 403 insufficient_scope", async () => {
    const anyClient = { ...env, COGNITO_ALLOWED_CLIENT_IDS: "*" };
    const token = await tokenFor("Other", OTHER_CLIENT_SECRET);
    const response = await app.fetch(new Request(URL_, { headers: { Authorization: `Bearer ${token}` } }), anyClient);
    expect(response.status).toBe(403);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer error="insufficient_scope", scope="MyService/weather_read"');
  });

  it("never logs the token", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    }
    const token = await tokenFor("Other", OTHER_CLIENT_SECRET);
    await get({ Authorization: `Bearer ${token}` });
    await get({ Authorization: `Bearer ${token.slice(0, -3)}` });
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) for (const part of token.split(".")) expect(line).not.toContain(part);
  });
});

// The verifier fetches the key set for an unknown kid at most once per
// JWKS_COOLDOWN_MS (the flood defence, test/shared/jwks/jwks-flood.test.ts). Cognito
// rotates far less often than that; these tests rotate no faster either, so that they
// test rotation, not the budget, however fast the machine runs them.
const afterCooldown = () => new Promise((resolve) => setTimeout(resolve, JWKS_COOLDOWN_MS + 100));
const ROTATION_TEST_TIMEOUT_MS = 4 * JWKS_COOLDOWN_MS;

describe("key rotation on cognito-local", () => {
  it(
    "loses no request while keys rotate with an overlap",
    async () => {
      const statuses: number[] = [];
      const kids = new Set<string>();
      for (let round = 0; round < 6; round++) {
        const token = await tokenFor();
        kids.add(kidOf(token));
        const burst = await Promise.all(Array.from({ length: 10 }, () => get({ Authorization: `Bearer ${token}` })));
        statuses.push(...burst.map((r) => r.status));
        if (round === 1 || round === 3) {
          await rotateKeys();
          await afterCooldown();
        }
      }
      expect(kids.size).toBe(3);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
    },
    ROTATION_TEST_TIMEOUT_MS,
  );

  it("refuses, after a refetch, a token whose key was dropped", { timeout: ROTATION_TEST_TIMEOUT_MS }, async () => {
    const old = await tokenFor();
    expect((await get({ Authorization: `Bearer ${old}` })).status).toBe(200);
    await rotateKeys(true);
    await afterCooldown();
    // The service learns of the new key from the first token signed with it...
    expect((await get({ Authorization: `Bearer ${await tokenFor()}` })).status).toBe(200);
    // ...and the refetch that brought it also told it the old key is gone.
    expect((await get({ Authorization: `Bearer ${old}` })).status).toBe(401);
  });
});

describe("a burst of unknown kids", () => {
  it("costs at most one JWKS download", async () => {
    const token = await tokenFor();
    expect((await get({ Authorization: `Bearer ${token}` })).status).toBe(200);
    const before = (await stats()).jwksRequests;
    const [, payload, signature] = token.split(".");
    const forged = Array.from({ length: 100 }, (_, i) => {
      const forgedHeader = base64url.encode(JSON.stringify({ ...decodeProtectedHeader(token), kid: `forged-${i}` }));
      return `${forgedHeader}.${payload}.${signature}`;
    });
    const responses = await Promise.all(forged.map((t) => get({ Authorization: `Bearer ${t}` })));
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([401]));
    expect((await stats()).jwksRequests - before).toBeLessThanOrEqual(1);
  });
});
