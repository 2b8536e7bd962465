// What a verdict may and may not outlive or absorb: a key removed while its signature
// was being checked (issue 24 item 3), caller code run in the middle of a verification
// (item 4), and a route that changes the claims it was given (informational item).
//
// Item 3 lives where WebCrypto runs off the main thread (Node): a JWKS refresh can land
// between the start and the end of crypto.subtle.verify. In workerd the verification
// completes at once, so here the refresh is made to land there: the JWKS answer is held
// back (a deferred fetch) and released from inside crypto.subtle.verify. A Node project
// for the library's tests is added by another change; this file holds in both.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CognitoAccessTokenVerifier } from "../../../shared/cognito/cognito-verifier";
import type { TokenRejectedError } from "../../../shared/errors";
import { JwtVerifier } from "../../../shared/jwt/jwt-verifier";
import { b64url, TEST_CLIENT_ID, TestIssuer } from "../../workerd/test-issuer";

let issuer: TestIssuer;
let clock: number;
let pending: Promise<unknown>[];

beforeEach(async () => {
  issuer = await TestIssuer.create();
  clock = Date.now();
  pending = [];
});
afterEach(() => vi.restoreAllMocks());

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as TokenRejectedError).code;
  }
  return "accepted";
}

function createVerifier(fetch: (request: Request) => Promise<Response> = issuer.fetch) {
  return new CognitoAccessTokenVerifier({
    issuer: issuer.issuer,
    clientIds: [TEST_CLIENT_ID],
    jwks: { fetch, maxAgeMs: 1_000 },
    now: () => clock,
  });
}

describe("a key removed while a signature is being checked", () => {
  it("does not leave the verdict cached: the token is refused once its key has left the set", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holdBack = false;
    // The JWKS answer of the refresh is held back until the signature check has started.
    const fetch = async (request: Request) => {
      if (holdBack) await released;
      return issuer.fetch(request);
    };
    const verifier = createVerifier(fetch);
    await verifier.verify(await issuer.sign());
    const token = await issuer.sign();

    issuer.published = []; // the issuer withdraws the key
    holdBack = true;
    clock += 60_000; // the set is stale (and its last fetch old enough): this verification starts a refresh
    const realVerify = crypto.subtle.verify.bind(crypto.subtle);
    vi.spyOn(crypto.subtle, "verify").mockImplementation(async (...args: Parameters<SubtleCrypto["verify"]>) => {
      const valid = await realVerify(...args);
      // As on Node: the refresh that drops the kid lands before the verification ends.
      release();
      await Promise.all(pending);
      return valid;
    });
    await verifier.verify(token, { waitUntil: (promise) => void pending.push(promise) });
    expect(pending.length).toBe(1);
    expect(issuer.fetchCount).toBe(2);
    vi.restoreAllMocks();

    expect(await codeOf(verifier.verify(token))).toBe("KID_UNKNOWN");
    expect(verifier.verifyCached(token)).toBeUndefined();
  });
});

describe("caller code run during a verification", () => {
  it("cannot get a forged token accepted by verifying another token from inside waitUntil", async () => {
    const verifier = createVerifier();
    await verifier.verify(await issuer.sign());
    clock += 60_000; // the set is stale: the next verification calls waitUntil

    // A genuine token, never seen, and a forged one of the same lengths: the genuine
    // token's header, claims of the attacker's choosing, a signature of all As.
    const claims = issuer.claims();
    const genuine = await issuer.sign({ ...claims, jti: "genuine-01", scope: "MyService/weather_read" });
    const [header, , signature] = genuine.split(".") as [string, string, string];
    const forgedPayload = b64url(JSON.stringify({ ...claims, jti: "forged-001", scope: "MyService/admin_write2" }));
    const forged = `${header}.${forgedPayload}.${"A".repeat(signature.length)}`;
    expect(forged.length).toBe(genuine.length);

    let reentered: Promise<unknown> | undefined;
    const waitUntil = (promise: Promise<unknown>) => {
      pending.push(promise);
      // Re-entrant: another verification, started synchronously from the callback.
      reentered = verifier.verify(genuine);
    };
    expect(await codeOf(verifier.verify(forged, { waitUntil }))).toBe("SIGNATURE_INVALID");
    expect(reentered).toBeDefined();
    await expect(reentered).resolves.toMatchObject({ jti: "genuine-01" });
    await Promise.all(pending);
    expect(await codeOf(verifier.verify(forged))).toBe("SIGNATURE_INVALID");
  });
});

describe("the claims a verification returns", () => {
  it("cannot be changed by one request so that the next request with the same token sees the change", async () => {
    const verifier = createVerifier();
    const token = await issuer.sign();
    const first = await verifier.verify(token);
    const writable = first as unknown as Record<string, unknown>;
    expect(() => {
      writable.client_id = "someone-else";
    }).toThrow(TypeError);
    expect(() => {
      writable.isAdmin = true;
    }).toThrow(TypeError);
    expect(() => (first.scopes as string[]).push("MyService/admin")).toThrow(TypeError);
    expect(() => (first.scopes as string[]).splice(0)).toThrow(TypeError);

    const again = verifier.verifyCached(token)!;
    expect(again.client_id).toBe(TEST_CLIENT_ID);
    expect("isAdmin" in again).toBe(false);
    expect([...again.scopes]).toEqual(["MyService/weather_read"]);
    expect(Array.isArray(again.scopes)).toBe(true);
  });

  it("are frozen deeply for a generic verifier's own claim objects", async () => {
    const verifier = new JwtVerifier({
      issuer: issuer.issuer,
      jwks: { fetch: issuer.fetch },
      claims: (payload) => ({ subject: String(payload.sub), roles: ["reader"], client: { id: String(payload.client_id) } }),
    });
    const token = await issuer.sign();
    const first = await verifier.verify(token);
    expect(() => first.roles.push("admin")).toThrow(TypeError);
    expect(() => {
      first.client.id = "someone-else";
    }).toThrow(TypeError);
    const again = await verifier.verify(token);
    expect(again.roles).toEqual(["reader"]);
    expect(again.client.id).toBe(TEST_CLIENT_ID);
  });
});
