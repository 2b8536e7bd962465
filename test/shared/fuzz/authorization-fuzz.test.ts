// Property-based tests of the whole authorization layer (the Hono middleware over
// the verifier), with fast-check: mutated valid tokens, re-signed tokens with one
// claim replaced by a random value, and random Authorization headers.
// Runs FUZZ_RUNS cases per property (500 by default; `npm run reliability` runs 10,000).

import { env } from "cloudflare:test";
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { CognitoAccessTokenVerifier } from "../../../shared/cognito/cognito-verifier";
import { securedRoute } from "../../../shared/openapi/secured-route";
import { signRaw, TEST_CLIENT_ID, TestIssuer, WEATHER_READ } from "../../workerd/test-issuer";

const RUNS = Number((env as unknown as { FUZZ_RUNS?: string }).FUZZ_RUNS || 500);
const TOLERANCE = 5;
const MAX_LIFETIME = 86_400;
// About a millisecond a case, with room to spare on a slow machine.
const TIMEOUT_MS = Math.max(30_000, RUNS * 10);
// RFC 6750 section 3: a bare challenge, or one error with its attributes.
const CHALLENGE =
  /^Bearer(?: error="(?:invalid_request|invalid_token|insufficient_scope)"(?:, (?:error_description|scope)="[\x20\x21\x23-\x5b\x5d-\x7e]*")*)?$/;

let issuer: TestIssuer;
let app: OpenAPIHono;
let valid: string;
const tally = { requests: 0, accepted: 0, serverErrors: 0 };

beforeAll(async () => {
  issuer = await TestIssuer.create();
  const verifier = new CognitoAccessTokenVerifier({
    issuer: issuer.issuer,
    clientIds: [TEST_CLIENT_ID],
    clockToleranceSeconds: TOLERANCE,
    jwks: { fetch: issuer.fetch },
  });
  app = new OpenAPIHono();
  const route = createRoute({
    method: "get",
    path: "/weatherforecast",
    security: [{ cognito: [WEATHER_READ] }],
    responses: { 200: { description: "ok" } },
  });
  app.openapi(securedRoute(route, { verifier }), (c) => c.json({ ok: true }, 200));
  valid = await issuer.sign();
});

async function call(authorization: string | null) {
  const headers = new Headers();
  if (authorization !== null) headers.set("Authorization", authorization);
  const response = await app.request("/weatherforecast", { headers });
  tally.requests++;
  if (response.status === 200) tally.accepted++;
  if (response.status >= 500) tally.serverErrors++;
  return response;
}

function expectWellFormedRefusal(response: Response) {
  expect(response.status).toBeLessThan(500);
  expect(response.status).not.toBe(200);
  expect(response.headers.get("WWW-Authenticate")).toMatch(CHALLENGE);
}

const PRINTABLE = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));

type Mutation = (token: string) => string;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), PRINTABLE).map(
    ([at, ch]): Mutation =>
      (t) =>
        `${t.slice(0, at % t.length)}${ch}${t.slice((at % t.length) + 1)}`,
  ),
  fc.nat().map(
    (at): Mutation =>
      (t) =>
        `${t.slice(0, at % t.length)}${t.slice((at % t.length) + 1)}`,
  ),
  fc.tuple(fc.nat(), PRINTABLE).map(
    ([at, ch]): Mutation =>
      (t) =>
        `${t.slice(0, at % (t.length + 1))}${ch}${t.slice(at % (t.length + 1))}`,
  ),
  fc.constantFrom<Mutation>(
    (t) => t.split(".").reverse().join("."),
    (t) => {
      const [h, p, s] = t.split(".");
      return [p, h, s].join(".");
    },
    (t) => {
      const [h, p] = t.split(".");
      return [h, p, p].join(".");
    },
    (t) => `${t}.${t.split(".")[2]}`,
    (t) => t.split(".").slice(0, 2).join("."),
  ),
);

describe(`fuzzing, ${RUNS} cases per property`, () => {
  it(
    "refuses every mutation of a valid token that is not the token itself",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
          const mutated = mutations.reduce((token, mutate) => mutate(token), valid);
          const response = await call(`Bearer ${mutated}`);
          // HTTP trims the header value: surrounding spaces do not change the token.
          if (mutated.trim() === valid) expect(response.status).toBe(200);
          else expectWellFormedRefusal(response);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "accepts a re-signed token with one claim replaced exactly when that claim is still valid",
    async () => {
      const now = () => Math.floor(Date.now() / 1000);
      const claimNames = ["iss", "token_use", "client_id", "sub", "jti", "scope", "exp", "iat", "nbf", "auth_time", "version"] as const;
      let baseline = { exp: 0, iat: 0 };
      const stillValid: Record<(typeof claimNames)[number], (v: unknown) => boolean | "scope"> = {
        iss: (v) => v === issuer.issuer,
        token_use: (v) => v === "access",
        client_id: (v) => v === TEST_CLIENT_ID,
        sub: (v) => typeof v === "string",
        jti: (v) => v === undefined || typeof v === "string",
        // No scope, or a scope string without the route's: a valid token refused for its scope (403).
        scope: (v) => (v === undefined ? "scope" : typeof v === "string" && (v.split(" ").includes(WEATHER_READ) || "scope")),
        // The lifetime exp - iat must also stay within a day (Cognito's longest), plus the tolerance.
        exp: (v) =>
          typeof v === "number" && Number.isFinite(v) && v >= 0 && now() < v + TOLERANCE && v - baseline.iat <= MAX_LIFETIME + TOLERANCE,
        iat: (v) =>
          typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= now() + TOLERANCE && baseline.exp - v <= MAX_LIFETIME + TOLERANCE,
        nbf: (v) => v === undefined || (typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= now() + TOLERANCE),
        auth_time: () => true,
        version: () => true,
      };
      const value = fc.oneof(
        fc.jsonValue(),
        fc.constantFrom(undefined, issuer.issuer, `${issuer.issuer}/`, "access", "id", TEST_CLIENT_ID, WEATHER_READ, `${WEATHER_READ}x`),
        fc.integer({ min: -1, max: 2 }).map((k) => now() + k * 3600),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...claimNames), value, async (name, replacement) => {
          const claims = issuer.claims({ [name]: replacement });
          baseline = claims as { exp: number; iat: number }; // the claims not replaced keep their valid values
          const token = await signRaw({ alg: "RS256", kid: issuer.key.kid }, JSON.stringify(claims), issuer.key);
          const response = await call(`Bearer ${token}`);
          const verdict = stillValid[name](JSON.parse(JSON.stringify(claims))[name]);
          if (verdict === true) expect(response.status).toBe(200);
          else if (name === "scope" && verdict === "scope") expect(response.status).toBe(403);
          else expectWellFormedRefusal(response);
          expect(response.headers.get("WWW-Authenticate") ?? "Bearer").toMatch(CHALLENGE);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "refuses random Authorization headers with a well-formed challenge",
    async () => {
      const header = fc.oneof(
        fc.string({ unit: PRINTABLE, maxLength: 200 }),
        fc
          .tuple(fc.constantFrom("Bearer ", "bearer ", "Basic ", "BEARER  ", "Bearer\t"), fc.string({ unit: PRINTABLE, maxLength: 300 }))
          .map(([s, t]) => s + t),
        fc.array(fc.base64String({ maxLength: 80 }), { minLength: 1, maxLength: 6 }).map((parts) => `Bearer ${parts.join(".")}`),
      );
      await fc.assert(
        fc.asyncProperty(header, async (value) => {
          expectWellFormedRefusal(await call(value));
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it("never answered 5xx", () => {
    expect(tally.requests).toBeGreaterThanOrEqual(RUNS * 3);
    expect(tally.serverErrors).toBe(0);
    console.log(JSON.stringify({ event: "fuzz_tally", ...tally }));
  });
});
