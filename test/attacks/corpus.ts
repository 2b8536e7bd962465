// The attack corpus against MyService: forged and confused tokens, hostile claims,
// broken encodings and odd transports, each with the exact answer it must get.
// Used by workers/service/test/attack-corpus.test.ts (in npm test) and counted by
// `npm run reliability`. Claims attacks are signed with the pool's real key (through
// cognito-local's /_dev/sign), so that only the claim check can refuse them.
import { base64url, exportJWK, generateKeyPair, SignJWT } from "jose";
import { clientId, kidOf, poolInfo, signWithPoolKey, tokenFor } from "../workerd/cognito-local-client";

type Family = "forgery" | "claims" | "encoding";

/** What the answer must be: a status and the WWW-Authenticate error (null: a bare `Bearer`). */
interface Expected {
  status: 200 | 400 | 401 | 403;
  error: "invalid_token" | "invalid_request" | "insufficient_scope" | null;
}

interface AttackRequest {
  /** Header pairs, so that a header can be sent twice. */
  headers: Array<[string, string]>;
  query?: string;
}

export interface AttackCase {
  family: Family;
  name: string;
  expected: Expected;
  build(kit: Kit): Promise<AttackRequest>;
}

export interface Kit {
  valid: string;
  kid: string;
  issuer: string;
  claims(overrides?: Record<string, unknown>): Record<string, unknown>;
  /** Signs payload text (and header overrides) with the pool's key. */
  pool(payload: Record<string, unknown> | string, header?: Record<string, unknown>): Promise<string>;
  attacker: { privateKey: CryptoKey; publicJwk: Record<string, unknown> };
}

const INVALID: Expected = { status: 401, error: "invalid_token" };
const SCOPE: Expected = { status: 403, error: "insufficient_scope" };
const BARE: Expected = { status: 401, error: null };
const BAD_REQUEST: Expected = { status: 400, error: "invalid_request" };
const OK: Expected = { status: 200, error: null };

const b64 = (text: string) => base64url.encode(text);
const bearer = (token: string): AttackRequest => ({ headers: [["Authorization", `Bearer ${token}`]] });
const segments = (token: string) => token.split(".") as [string, string, string];
const now = () => Math.floor(Date.now() / 1000);

export async function makeKit(): Promise<Kit> {
  const valid = await tokenFor();
  const { issuer } = await poolInfo();
  const bff = await clientId("MyBFF");
  const kid = kidOf(valid);
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return {
    valid,
    kid,
    issuer,
    claims: (overrides = {}) => ({
      sub: bff,
      token_use: "access",
      scope: "MyService/weather_read",
      auth_time: now(),
      iss: issuer,
      exp: now() + 3600,
      iat: now(),
      version: 2,
      jti: crypto.randomUUID(),
      client_id: bff,
      ...overrides,
    }),
    pool: (payload, header) => signWithPoolKey(typeof payload === "string" ? payload : JSON.stringify(payload), header),
    attacker: { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256" } },
  };
}

async function attackerSigned(kit: Kit, header: Record<string, unknown>, claims = kit.claims()): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", ...header }).sign(kit.attacker.privateKey);
}

function unsigned(kit: Kit, alg: string, keepSignature = false): string {
  const [, payload, signature] = segments(kit.valid);
  return `${b64(JSON.stringify({ alg, kid: kit.kid }))}.${payload}.${keepSignature ? signature : ""}`;
}

const forgery: AttackCase[] = [
  ...["none", "None", "NONE", "nOnE"].map(
    (alg): AttackCase => ({
      family: "forgery",
      name: `alg ${alg}, unsigned`,
      expected: INVALID,
      build: async (kit) => bearer(unsigned(kit, alg)),
    }),
  ),
  {
    family: "forgery",
    name: "alg none with the original signature kept",
    expected: INVALID,
    build: async (kit) => bearer(unsigned(kit, "none", true)),
  },
  {
    family: "forgery",
    name: "HS256 signed with the pool's public JWK as the HMAC secret",
    expected: INVALID,
    build: async (kit) => {
      const jwks = (await (await fetch(`${kit.issuer}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, unknown>> };
      const secret = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
      return bearer(await new SignJWT(kit.claims()).setProtectedHeader({ alg: "HS256", kid: kit.kid }).sign(secret));
    },
  },
  {
    family: "forgery",
    name: "HS256 signed with the pool's RSA modulus as the HMAC secret",
    expected: INVALID,
    build: async (kit) => {
      const jwks = (await (await fetch(`${kit.issuer}/.well-known/jwks.json`)).json()) as { keys: Array<{ n: string }> };
      const secret = new TextEncoder().encode(jwks.keys[0]!.n);
      return bearer(await new SignJWT(kit.claims()).setProtectedHeader({ alg: "HS256", kid: kit.kid }).sign(secret));
    },
  },
  {
    family: "forgery",
    name: "RS256 by an attacker key under the pool's kid",
    expected: INVALID,
    build: async (kit) => bearer(await attackerSigned(kit, { kid: kit.kid })),
  },
  {
    family: "forgery",
    name: "RS256 by an attacker key under an unknown kid",
    expected: INVALID,
    build: async (kit) => bearer(await attackerSigned(kit, { kid: "attacker-key-1" })),
  },
  {
    family: "forgery",
    name: "the attacker's key offered in a jwk header",
    expected: INVALID,
    build: async (kit) => bearer(await attackerSigned(kit, { kid: "k", jwk: kit.attacker.publicJwk })),
  },
  {
    family: "forgery",
    name: "a jku header pointing at the attacker",
    expected: INVALID,
    build: async (kit) => bearer(await attackerSigned(kit, { kid: "k", jku: "https://attacker.example/jwks.json" })),
  },
  {
    family: "forgery",
    name: "an x5u header pointing at the attacker",
    expected: INVALID,
    build: async (kit) => bearer(await attackerSigned(kit, { kid: "k", x5u: "https://attacker.example/cert.pem" })),
  },
  {
    family: "forgery",
    name: "an x5c header with the attacker's certificate",
    expected: INVALID,
    build: async (kit) => bearer(await attackerSigned(kit, { kid: "k", x5c: ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"] })),
  },
  {
    family: "forgery",
    name: "the pool's key, with a jwk header added",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims(), { jwk: kit.attacker.publicJwk })),
  },
  {
    family: "forgery",
    name: "a kid that is a path",
    expected: INVALID,
    build: async (kit) => bearer(await attackerSigned(kit, { kid: "../../../../etc/passwd" })),
  },
  {
    family: "forgery",
    name: "a kid that is a URL",
    expected: INVALID,
    build: async (kit) => bearer(await attackerSigned(kit, { kid: "https://attacker.example/key.json" })),
  },
  {
    family: "forgery",
    name: "a kid of 4,000 characters",
    expected: INVALID,
    build: async (kit) => bearer(await attackerSigned(kit, { kid: "k".repeat(4000) })),
  },
  {
    family: "forgery",
    name: "a kid that is a number",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims(), { kid: 1 })),
  },
  {
    family: "forgery",
    name: "a kid that is null",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims(), { kid: null })),
  },
  {
    family: "forgery",
    name: "a kid that is an object",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims(), { kid: { $ne: "" } })),
  },
  {
    family: "forgery",
    name: "a crit header",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims(), { crit: ["exp"], exp: 1 })),
  },
  {
    family: "forgery",
    name: "a JWE (five segments)",
    expected: INVALID,
    build: async (kit) =>
      bearer(
        `${b64('{"alg":"RSA-OAEP","enc":"A256GCM"}')}.${"A".repeat(43)}.${"A".repeat(16)}.${segments(kit.valid)[1]}.${"A".repeat(22)}`,
      ),
  },
  {
    family: "forgery",
    name: "the signature stripped",
    expected: INVALID,
    build: async (kit) => bearer(`${segments(kit.valid)[0]}.${segments(kit.valid)[1]}.`),
  },
  {
    family: "forgery",
    name: "the signature of another valid token",
    expected: INVALID,
    build: async (kit) =>
      bearer(`${segments(kit.valid)[0]}.${segments(await kit.pool(kit.claims({ scope: "x" })))[1]}.${segments(kit.valid)[2]}`),
  },
  {
    // Issue 24 item 4: the payload a re-entrant verification got accepted when the
    // signed bytes lived in shared buffers; through MyService, it must simply fail.
    family: "forgery",
    name: "claims of the attacker's choosing under the pool's header, a signature of all As",
    expected: INVALID,
    build: async (kit) =>
      bearer(
        `${segments(kit.valid)[0]}.${b64(JSON.stringify(kit.claims({ jti: "forged-001", scope: "MyService/admin_write2" })))}.${"A".repeat(segments(kit.valid)[2].length)}`,
      ),
  },
  {
    family: "forgery",
    name: "the header's alg says RS512 over an RS256 signature",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims(), { alg: "RS512" })),
  },
  {
    family: "forgery",
    name: "the header's alg says PS256 over an RS256 signature",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims(), { alg: "PS256" })),
  },
];

const claims: AttackCase[] = [
  {
    family: "claims",
    name: "another pool's issuer",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AnotherP1" }))),
  },
  {
    family: "claims",
    name: "the issuer with a trailing slash",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ iss: `${kit.issuer}/` }))),
  },
  {
    family: "claims",
    name: "the issuer with https instead of http",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ iss: kit.issuer.replace("http:", "https:") }))),
  },
  {
    family: "claims",
    name: "the issuer in another case",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ iss: kit.issuer.toUpperCase() }))),
  },
  { family: "claims", name: "no issuer", expected: INVALID, build: async (kit) => bearer(await kit.pool(kit.claims({ iss: undefined }))) },
  {
    family: "claims",
    name: "token_use: id",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ token_use: "id" }))),
  },
  {
    family: "claims",
    name: "no token_use",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ token_use: undefined }))),
  },
  {
    family: "claims",
    name: "token_use: Access (case)",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ token_use: "Access" }))),
  },
  {
    family: "claims",
    name: "expired an hour ago",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ iat: now() - 7200, exp: now() - 3600 }))),
  },
  {
    family: "claims",
    name: "nbf an hour ahead",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ nbf: now() + 3600 }))),
  },
  {
    family: "claims",
    name: "iat a day ahead",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ iat: now() + 86400, exp: now() + 90000 }))),
  },
  {
    family: "claims",
    name: "exp given as a string",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ exp: String(now() + 3600) }))),
  },
  {
    family: "claims",
    name: "iat given as a string",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ iat: String(now()) }))),
  },
  {
    family: "claims",
    name: "exp that is not finite (1e400)",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(JSON.stringify(kit.claims()).replace(/"exp":\d+/, '"exp":1e400'))),
  },
  {
    family: "claims",
    name: "exp 1e300, a finite number centuries away",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(JSON.stringify(kit.claims()).replace(/"exp":\d+/, '"exp":1e300'))),
  },
  {
    family: "claims",
    name: "a lifetime (exp - iat) of a year",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ exp: now() + 365 * 86400 }))),
  },
  {
    family: "claims",
    name: "a lifetime of a day and the tolerance plus a minute",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ iat: now() - 60, exp: now() + 86400 + 5 }))),
  },
  {
    family: "claims",
    name: "iat 0 (a token issued in 1970 and still valid)",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ iat: 0 }))),
  },
  {
    family: "claims",
    name: "the issuer on a host that starts with 127.",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ iss: kit.issuer.replace(/\/\/[^/]+/, "//127.attacker.example") }))),
  },
  {
    family: "claims",
    name: "the pool's ORIGINAL issuer in a Region not configured",
    expected: INVALID,
    build: async (kit) =>
      bearer(await kit.pool(kit.claims({ iss: `https://cognito-idp.eu-west-1.amazonaws.com/${kit.issuer.split("/").pop()}` }))),
  },
  { family: "claims", name: "no exp", expected: INVALID, build: async (kit) => bearer(await kit.pool(kit.claims({ exp: undefined }))) },
  {
    family: "claims",
    name: "a client id that is not allowed",
    expected: INVALID,
    build: async (kit) =>
      bearer(await kit.pool(kit.claims({ client_id: "notallowedclient0000000000", sub: "notallowedclient0000000000" }))),
  },
  {
    family: "claims",
    name: "client_id given as an array",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ client_id: [kit.claims().client_id] }))),
  },
  {
    family: "claims",
    name: "scope MyService/weather_read_all",
    expected: SCOPE,
    build: async (kit) => bearer(await kit.pool(kit.claims({ scope: "MyService/weather_read_all" }))),
  },
  {
    family: "claims",
    name: "scope MyService/weather_readx",
    expected: SCOPE,
    build: async (kit) => bearer(await kit.pool(kit.claims({ scope: "MyService/weather_readx" }))),
  },
  {
    family: "claims",
    name: "scope xMyService/weather_read",
    expected: SCOPE,
    build: async (kit) => bearer(await kit.pool(kit.claims({ scope: "xMyService/weather_read" }))),
  },
  {
    family: "claims",
    name: "scope MyService/weather_read, comma-joined with another",
    expected: SCOPE,
    build: async (kit) => bearer(await kit.pool(kit.claims({ scope: "MyService/weather_read,Other/x" }))),
  },
  {
    family: "claims",
    name: "the scope in scp instead of scope",
    expected: SCOPE,
    build: async (kit) => bearer(await kit.pool(kit.claims({ scope: undefined, scp: "MyService/weather_read" }))),
  },
  {
    family: "claims",
    name: "scope given as an array",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(kit.claims({ scope: ["MyService/weather_read"] }))),
  },
  {
    family: "claims",
    name: "the scope only in __proto__",
    expected: SCOPE,
    build: async (kit) =>
      bearer(
        await kit.pool(JSON.stringify(kit.claims({ scope: undefined })).replace(/}$/, ',"__proto__":{"scope":"MyService/weather_read"}}')),
      ),
  },
  {
    family: "claims",
    name: "token_use only in constructor.prototype",
    expected: INVALID,
    build: async (kit) =>
      bearer(
        await kit.pool(
          JSON.stringify(kit.claims({ token_use: undefined })).replace(/}$/, ',"constructor":{"prototype":{"token_use":"access"}}}'),
        ),
      ),
  },
  {
    family: "claims",
    name: "token_use named twice, access last",
    expected: INVALID,
    build: async (kit) =>
      bearer(await kit.pool(JSON.stringify(kit.claims({ token_use: undefined })).replace(/}$/, ',"token_use":"id","token_use":"access"}'))),
  },
  {
    family: "claims",
    name: "scope named twice, the right one last",
    expected: INVALID,
    build: async (kit) =>
      bearer(
        await kit.pool(JSON.stringify(kit.claims({ scope: undefined })).replace(/}$/, ',"scope":"x","scope":"MyService/weather_read"}')),
      ),
  },
];

const encoding: AttackCase[] = [
  { family: "encoding", name: "two segments", expected: INVALID, build: async (kit) => bearer(segments(kit.valid).slice(0, 2).join(".")) },
  { family: "encoding", name: "four segments", expected: INVALID, build: async (kit) => bearer(`${kit.valid}.${segments(kit.valid)[2]}`) },
  {
    family: "encoding",
    name: "an empty payload segment",
    expected: INVALID,
    build: async (kit) => bearer(`${segments(kit.valid)[0]}..${segments(kit.valid)[2]}`),
  },
  { family: "encoding", name: "only dots", expected: INVALID, build: async () => bearer("..") },
  {
    family: "encoding",
    name: "standard base64 characters (+ and /)",
    expected: INVALID,
    build: async (kit) =>
      bearer(
        kit.valid
          .replace(/-/g, "+")
          .replace(/_/g, "/")
          .replace(/^[A-Za-z0-9]/, "+"),
      ),
  },
  // RFC 6750's b64token allows "=" only at its end: inside, the header itself is malformed.
  {
    family: "encoding",
    name: "base64 padding inside the token",
    expected: BAD_REQUEST,
    build: async (kit) => bearer(`${segments(kit.valid)[0]}==.${segments(kit.valid)[1]}.${segments(kit.valid)[2]}`),
  },
  { family: "encoding", name: "base64 padding at the end", expected: INVALID, build: async (kit) => bearer(`${kit.valid}==`) },
  {
    family: "encoding",
    name: "a non-canonical last character of the signature",
    expected: INVALID,
    build: async (kit) => {
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      return bearer(`${kit.valid.slice(0, -1)}${alphabet[alphabet.indexOf(kit.valid.at(-1)!) | 1]}`);
    },
  },
  {
    family: "encoding",
    name: "whitespace inside the token",
    expected: BAD_REQUEST,
    build: async (kit) => ({ headers: [["Authorization", `Bearer ${kit.valid.slice(0, 20)} ${kit.valid.slice(20)}`]] }),
  },
  { family: "encoding", name: "a 1 MB token", expected: INVALID, build: async () => bearer(`${"a".repeat(1_000_000)}.b.c`) },
  {
    family: "encoding",
    name: "a header that is not JSON",
    expected: INVALID,
    build: async (kit) => bearer(`${b64("alg=RS256")}.${segments(kit.valid)[1]}.${segments(kit.valid)[2]}`),
  },
  {
    family: "encoding",
    name: "a signed payload that is a JSON array",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool("[1,2,3]")),
  },
  {
    family: "encoding",
    name: "a signed payload that is a number",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool("1700000000")),
  },
  {
    family: "encoding",
    name: "a UTF-8 BOM before the signed payload JSON",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(`\uFEFF${JSON.stringify(kit.claims())}`)),
  },
  {
    family: "encoding",
    name: "whitespace before the signed payload JSON",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(` \r\n${JSON.stringify(kit.claims())}`)),
  },
  {
    family: "encoding",
    name: "whitespace after the signed payload JSON",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool(`${JSON.stringify(kit.claims())}\n`)),
  },
  {
    family: "encoding",
    name: "a UTF-8 BOM before the header JSON",
    expected: INVALID,
    build: async (kit) => {
      const [header, payload, signature] = segments(kit.valid);
      const bom = base64url.encode(`\uFEFF${new TextDecoder().decode(base64url.decode(header))}`);
      return bearer(`${bom}.${payload}.${signature}`);
    },
  },
  {
    family: "encoding",
    name: "a signed payload that is not UTF-8",
    expected: INVALID,
    build: async (kit) => bearer(await kit.pool("\u00ff\u00fe")),
  },
  {
    family: "encoding",
    name: "Authorization with the Basic scheme",
    expected: BARE,
    build: async (kit) => ({ headers: [["Authorization", `Basic ${btoa(`x:${kit.valid}`)}`]] }),
  },
  {
    family: "encoding",
    name: "Authorization with the DPoP scheme",
    expected: BARE,
    build: async (kit) => ({ headers: [["Authorization", `DPoP ${kit.valid}`]] }),
  },
  {
    family: "encoding",
    name: "two Authorization headers",
    expected: BAD_REQUEST,
    build: async (kit) => ({
      headers: [
        ["Authorization", `Bearer ${kit.valid}`],
        ["Authorization", `Bearer ${kit.valid}`],
      ],
    }),
  },
  {
    family: "encoding",
    name: "Bearer with no token",
    expected: BAD_REQUEST,
    build: async () => ({ headers: [["Authorization", "Bearer"]] }),
  },
  {
    family: "encoding",
    name: "the token in the query string only (ignored)",
    expected: BARE,
    build: async (kit) => ({ headers: [], query: `access_token=${kit.valid}` }),
  },
  { family: "encoding", name: "no Authorization at all", expected: BARE, build: async () => ({ headers: [] }) },
  {
    family: "encoding",
    name: "a lowercase bearer scheme with a valid token (accepted)",
    expected: OK,
    build: async (kit) => ({ headers: [["Authorization", `bearer ${kit.valid}`]] }),
  },
  { family: "encoding", name: "the valid token itself (accepted)", expected: OK, build: async (kit) => bearer(kit.valid) },
];

export const ATTACK_CORPUS: readonly AttackCase[] = [...forgery, ...claims, ...encoding];
