// cognito-local's signing keys: kept across restarts, published across rotations.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import {
  type CognitoLocal,
  clientIdOf,
  DEV_SECRET,
  decodeJwtPart,
  poolInfo,
  startCognitoLocal,
  tokenForm,
} from "#test/support/cognito-local.ts";

// Each test starts Miniflare: on a loaded machine that takes longer than vitest's default 5 s.
const START_TIMEOUT_MS = 60_000;

const running: CognitoLocal[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.dispose()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(persistDir?: string) {
  const cognito = await startCognitoLocal({ persistDir });
  running.push(cognito);
  return cognito;
}

async function token(cognito: CognitoLocal): Promise<string> {
  const pool = await poolInfo(cognito);
  const response = await cognito.fetch(
    "/oauth2/token",
    tokenForm({ grant_type: "client_credentials", client_id: clientIdOf(pool, "MyBFF"), client_secret: DEV_SECRET }),
  );
  return ((await response.json()) as { access_token: string }).access_token;
}

async function jwks(cognito: CognitoLocal) {
  const { poolId } = await poolInfo(cognito);
  return (await (await cognito.fetch(`/${poolId}/.well-known/jwks.json`)).json()) as {
    keys: Array<{ kid: string; kty: string; alg: string; use: string; n: string; e: string }>;
  };
}

async function verifies(tokenText: string, keySet: Awaited<ReturnType<typeof jwks>>): Promise<boolean> {
  try {
    await jwtVerify(tokenText, createLocalJWKSet(keySet as never), { algorithms: ["RS256"] });
    return true;
  } catch {
    return false;
  }
}

describe("signing keys", { timeout: START_TIMEOUT_MS }, () => {
  // "Amazon Cognito generates two pairs of RSA cryptographic keys for each user pool. One private
  // key signs access tokens, and the other signs ID tokens." (amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html)
  it("publishes two RS256 keys in Cognito's JWKS layout, with no private part", async () => {
    const { keys } = await jwks(await start());
    expect(keys).toHaveLength(2);
    expect(new Set(keys.map((k) => k.kid)).size).toBe(2);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
      expect(key).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" });
      expect(Buffer.from(key.n, "base64url")).toHaveLength(256); // 2048-bit modulus
    }
  });

  it("signs access tokens with one of the two keys only: the other never verifies them", async () => {
    const cognito = await start();
    const keySet = await jwks(cognito);
    const issued = await token(cognito);
    const signer = keySet.keys.filter((key) => key.kid === decodeJwtPart(issued, 0).kid);
    const other = keySet.keys.filter((key) => key.kid !== decodeJwtPart(issued, 0).kid);
    expect(signer).toHaveLength(1);
    expect(await verifies(issued, { keys: signer })).toBe(true);
    // The same token under the other key's kid: that key did not sign it.
    const [, payload, signature] = issued.split(".");
    const relabeled = `${Buffer.from(JSON.stringify({ kid: other[0]!.kid, alg: "RS256" })).toString("base64url")}.${payload}.${signature}`;
    expect(await verifies(relabeled, keySet)).toBe(false);
    expect(decodeJwtPart(await token(cognito), 0).kid).toBe(signer[0]!.kid);
  });

  it("keeps its keys across a restart, so tokens issued before still verify", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cognito-local-"));
    dirs.push(dir);
    const first = await start(dir);
    const before = await jwks(first);
    const issuedBefore = await token(first);
    await first.dispose();
    running.splice(running.indexOf(first), 1);

    const second = await start(dir);
    const after = await jwks(second);
    expect(after.keys.map((k) => k.kid)).toEqual(before.keys.map((k) => k.kid));
    expect(await verifies(issuedBefore, after)).toBe(true);
    expect(decodeJwtPart(await token(second), 0).kid).toBe(decodeJwtPart(issuedBefore, 0).kid);
  });

  it("makes a new key on a fresh state, with a different kid", async () => {
    const a = await jwks(await start());
    const b = await jwks(await start());
    expect(a.keys.map((k) => k.kid)).not.toContain(b.keys[0]!.kid);
  });

  it("rotation signs with a new key and keeps publishing the old one (and the ID-token key)", async () => {
    const cognito = await start();
    const idTokenKid = (await jwks(cognito)).keys.at(-1)!.kid;
    const oldToken = await token(cognito);
    const oldKid = decodeJwtPart(oldToken, 0).kid;

    const rotated = (await (await cognito.fetch("/_dev/keys/rotate", { method: "POST" })).json()) as {
      kid: string;
      published: string[];
    };
    expect(rotated.kid).not.toBe(oldKid);
    expect(rotated.published).toEqual([oldKid, rotated.kid, idTokenKid]);

    const keySet = await jwks(cognito);
    expect(keySet.keys.map((k) => k.kid)).toEqual([oldKid, rotated.kid, idTokenKid]);
    const newToken = await token(cognito);
    expect(decodeJwtPart(newToken, 0).kid).toBe(rotated.kid);
    expect(await verifies(oldToken, keySet)).toBe(true);
    expect(await verifies(newToken, keySet)).toBe(true);
  });

  it("rotation with dropPrevious unpublishes the old key at once", async () => {
    const cognito = await start();
    const idTokenKid = (await jwks(cognito)).keys.at(-1)!.kid;
    const oldToken = await token(cognito);
    const rotated = (await (await cognito.fetch("/_dev/keys/rotate?dropPrevious=true", { method: "POST" })).json()) as {
      kid: string;
    };
    const keySet = await jwks(cognito);
    expect(keySet.keys.map((k) => k.kid)).toEqual([rotated.kid, idTokenKid]);
    expect(await verifies(oldToken, keySet)).toBe(false);
    expect(await verifies(await token(cognito), keySet)).toBe(true);
  });
});
