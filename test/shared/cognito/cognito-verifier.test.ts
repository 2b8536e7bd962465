// The shared Cognito access-token verifier, in workerd, against an independent
// issuer (keys made with jose): every check refuses with its own code.
import { SignJWT } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { CognitoAccessTokenVerifier, type CognitoVerifierOptions } from "../../../shared/cognito/cognito-verifier";
import { ConfigError, TokenRejectedError, type TokenRejectionCode } from "../../../shared/errors";
import { b64url, makeKey, signRaw, TEST_CLIENT_ID, TestIssuer, WEATHER_READ } from "../../workerd/test-issuer";

let issuer: TestIssuer;
let verifier: CognitoAccessTokenVerifier;

function createVerifier(options: Partial<CognitoVerifierOptions> = {}) {
  return new CognitoAccessTokenVerifier({
    issuer: issuer.issuer,
    clientIds: [TEST_CLIENT_ID],
    jwks: { fetch: issuer.fetch },
    ...options,
  });
}

beforeEach(async () => {
  issuer = await TestIssuer.create();
  verifier = createVerifier();
});

async function rejection(token: string, v = verifier): Promise<TokenRejectionCode> {
  try {
    await v.verify(token);
  } catch (error) {
    expect(error).toBeInstanceOf(TokenRejectedError);
    expect((error as Error).message).not.toContain(token);
    return (error as TokenRejectedError).code;
  }
  throw new Error("the token was accepted");
}

describe("a valid token", () => {
  it("is accepted, with its client and scopes", async () => {
    const token = await verifier.verify(await issuer.sign());
    expect(token.client_id).toBe(TEST_CLIENT_ID);
    expect(token.token_use).toBe("access");
    expect([...token.scopes]).toEqual([WEATHER_READ]);
  });

  it("splits a space-separated scope claim", async () => {
    const token = await verifier.verify(await issuer.sign(issuer.claims({ scope: "a/b  MyService/weather_read c/d" })));
    expect([...token.scopes]).toEqual(["a/b", WEATHER_READ, "c/d"]);
  });

  it("has scopes that cannot be changed", async () => {
    const first = await verifier.verify(await issuer.sign(issuer.claims({ jti: "one" })));
    const second = await verifier.verify(await issuer.sign(issuer.claims({ jti: "two" })));
    const scopes = first.scopes as string[];
    expect(Object.isFrozen(scopes)).toBe(true);
    expect(() => scopes.push("MyService/admin")).toThrow(TypeError);
    expect(() => scopes.pop()).toThrow(TypeError);
    expect([...second.scopes]).toEqual([WEATHER_READ]);
    const other = await verifier.verify(await issuer.sign(issuer.claims({ scope: "a/b" })));
    expect([...other.scopes]).toEqual(["a/b"]);
    expect((await verifier.verify(await issuer.sign(issuer.claims({ scope: undefined })))).scopes).toEqual([]);
  });

  it("has scopes that the prototypes' mutators cannot change for the next request with the same token (issue 29, I1)", async () => {
    const jwt = await issuer.sign(issuer.claims({ jti: "cached" }));
    const first = await verifier.verify(jwt);
    // Whatever shape the scopes have, reaching past the object to the built-in mutators changes nothing.
    expect(() => Set.prototype.add.call(first.scopes as unknown as Set<string>, "MyService/admin")).toThrow(TypeError);
    expect(() => Array.prototype.push.call(first.scopes as unknown as string[], "MyService/admin")).toThrow(TypeError);
    expect(() => Array.prototype.splice.call(first.scopes as unknown as string[], 0, 1)).toThrow(TypeError);
    const next = await verifier.verify(jwt);
    expect([...next.scopes]).toEqual([WEATHER_READ]);
    expect(next.scopes.includes("MyService/admin")).toBe(false);
  });

  it("is accepted from any client of the pool with clientIds '*'", async () => {
    const any = createVerifier({ clientIds: "*" });
    const token = await any.verify(await issuer.sign(issuer.claims({ client_id: "someotherclient", sub: "someotherclient" })));
    expect(token.client_id).toBe("someotherclient");
  });
});

describe("structure", () => {
  it("refuses a token over 8 KiB before parsing it", async () => {
    const token = await issuer.sign(issuer.claims({ padding: "x".repeat(9000) }));
    expect(await rejection(token)).toBe("TOKEN_TOO_LARGE");
    expect(issuer.fetchCount).toBe(0);
  });

  it.each([
    ["two segments", (t: string) => t.split(".").slice(0, 2).join(".")],
    ["four segments", (t: string) => `${t}.AAAA`],
    ["an empty payload", (t: string) => t.replace(/\.[^.]+\./, "..")],
    ["an empty signature", (t: string) => t.replace(/\.[^.]+$/, ".")],
    ["padding", (t: string) => `${t}==`],
    ["whitespace inside", (t: string) => t.replace(".", ". ")],
    ["standard base64 characters", (t: string) => t.replace(/\.([^.]{4})/, ".+/+/")],
  ])("refuses %s as TOKEN_MALFORMED", async (_, mangle) => {
    expect(await rejection(mangle(await issuer.sign()))).toBe("TOKEN_MALFORMED");
  });

  it("refuses a header that is not JSON", async () => {
    const [, payload, signature] = (await issuer.sign()).split(".");
    expect(await rejection(`${b64url("not json")}.${payload}.${signature}`)).toBe("TOKEN_MALFORMED");
  });

  it("refuses a header that is a JSON array", async () => {
    const [, payload, signature] = (await issuer.sign()).split(".");
    expect(await rejection(`${b64url('["RS256"]')}.${payload}.${signature}`)).toBe("TOKEN_MALFORMED");
  });

  it.each([
    ["a JSON array", "[1,2]"],
    ["a number", "42"],
    ["not JSON", "{oops"],
  ])("refuses a correctly signed payload that is %s", async (_, payload) => {
    expect(await rejection(await signRaw({ alg: "RS256", kid: issuer.key.kid }, payload, issuer.key))).toBe("TOKEN_MALFORMED");
  });
});

describe("what may surround the JSON", () => {
  const BOM = "\uFEFF";
  it.each([
    ["a UTF-8 BOM before the payload JSON", (json: string) => `${BOM}${json}`],
    ["a space before the payload JSON", (json: string) => ` ${json}`],
    ["a newline after the payload JSON", (json: string) => `${json}\n`],
    ["a NUL before the payload JSON", (json: string) => `\u0000${json}`],
  ])("refuses %s, correctly signed, as TOKEN_MALFORMED", async (_, wrap) => {
    const token = await signRaw({ alg: "RS256", kid: issuer.key.kid }, wrap(JSON.stringify(issuer.claims())), issuer.key);
    expect(await rejection(token)).toBe("TOKEN_MALFORMED");
  });

  it.each([
    ["a UTF-8 BOM before the header JSON", `\uFEFF{"alg":"RS256","kid":"test-key-1"}`],
    ["a tab before the header JSON", `\t{"alg":"RS256","kid":"test-key-1"}`],
  ])("refuses %s, correctly signed, as TOKEN_MALFORMED", async (_, header) => {
    const token = await signRaw(header, JSON.stringify(issuer.claims()), issuer.key);
    expect(await rejection(token)).toBe("TOKEN_MALFORMED");
    expect(issuer.fetchCount).toBe(0);
  });
});

describe("the token's lifetime", () => {
  const now = () => Math.floor(Date.now() / 1000);

  it("accepts a day, Cognito's longest access-token validity, plus the tolerance", async () => {
    await expect(verifier.verify(await issuer.sign(issuer.claims({ iat: now(), exp: now() + 86_400 + 5 })))).resolves.toBeDefined();
  });

  it.each([
    ["a day and the tolerance plus a second", () => ({ iat: now(), exp: now() + 86_400 + 6 })],
    ["a year", () => ({ iat: now() - 60, exp: now() + 365 * 86_400 })],
    ["exp 1e300", () => ({ exp: 1e300 })],
    ["iat 0 (issued in 1970, still valid)", () => ({ iat: 0 })],
  ])("refuses %s as TOKEN_LIFETIME_TOO_LONG", async (_, claims) => {
    expect(await rejection(await issuer.sign(issuer.claims(claims())))).toBe("TOKEN_LIFETIME_TOO_LONG");
  });

  it("takes another maximum from maxTokenLifetimeSeconds", async () => {
    const short = createVerifier({ maxTokenLifetimeSeconds: 3_600 });
    await expect(short.verify(await issuer.sign(issuer.claims({ iat: now(), exp: now() + 3_600 })))).resolves.toBeDefined();
    expect(await rejection(await issuer.sign(issuer.claims({ iat: now(), exp: now() + 3_606 })), short)).toBe("TOKEN_LIFETIME_TOO_LONG");
  });
});

describe("algorithm and header", () => {
  it.each(["none", "None", "NONE"])("refuses alg %s", async (alg) => {
    const [, payload] = (await issuer.sign()).split(".");
    const token = `${b64url(JSON.stringify({ alg, kid: issuer.key.kid }))}.${payload}.`;
    expect(await rejection(token)).toBe("ALG_NOT_ALLOWED");
  });

  it("refuses HS256 signed with the RSA public key as the HMAC secret", async () => {
    const secret = new TextEncoder().encode(JSON.stringify(issuer.key.publicJwk));
    const token = await new SignJWT(issuer.claims()).setProtectedHeader({ alg: "HS256", kid: issuer.key.kid }).sign(secret);
    expect(await rejection(token)).toBe("ALG_NOT_ALLOWED");
  });

  it("refuses an algorithm outside the allowlist even when the signature is good", async () => {
    const es = await makeKey("es-key", "ES256");
    issuer.published.push(es.publicJwk);
    expect(await rejection(await issuer.sign(issuer.claims(), { key: es }))).toBe("ALG_NOT_ALLOWED");
  });

  it.each(["jwk", "jku", "x5u", "x5c", "crit"])("refuses a token carrying a %s header", async (name) => {
    const value =
      name === "crit" ? ["exp"] : name === "jwk" ? issuer.key.publicJwk : name === "x5c" ? ["MIIB"] : "https://attacker.example/keys";
    const token = await signRaw({ alg: "RS256", kid: issuer.key.kid, [name]: value }, JSON.stringify(issuer.claims()), issuer.key);
    expect(await rejection(token)).toBe("HEADER_UNSUPPORTED");
  });

  it("refuses a token without a kid", async () => {
    const token = await signRaw({ alg: "RS256" }, JSON.stringify(issuer.claims()), issuer.key);
    expect(await rejection(token)).toBe("KID_MISSING");
  });

  it.each([
    ["a number", 7],
    ["an object", { a: 1 }],
    ["empty", ""],
  ])("refuses a kid that is %s", async (_, kid) => {
    const token = await signRaw({ alg: "RS256", kid }, JSON.stringify(issuer.claims()), issuer.key);
    expect(await rejection(token)).toBe("KID_MISSING");
  });

  it("refuses a very long kid without fetching keys", async () => {
    const token = await signRaw({ alg: "RS256", kid: "k".repeat(5000) }, JSON.stringify(issuer.claims()), issuer.key);
    expect(await rejection(token)).toBe("KID_UNKNOWN");
    expect(issuer.fetchCount).toBe(0);
  });

  it("refuses a kid the issuer does not publish", async () => {
    const attacker = await makeKey("attacker-kid");
    expect(await rejection(await issuer.sign(issuer.claims(), { key: attacker }))).toBe("KID_UNKNOWN");
  });

  it("refuses a token signed by another key under the issuer's kid", async () => {
    const attacker = await makeKey(issuer.key.kid);
    expect(await rejection(await issuer.sign(issuer.claims(), { key: attacker }))).toBe("SIGNATURE_INVALID");
  });

  it("refuses a token whose kid names a key published for another algorithm", async () => {
    issuer.published[0] = { ...issuer.published[0]!, alg: "RS512" };
    expect(await rejection(await issuer.sign())).toBe("KEY_MISMATCH");
  });

  it("refuses a token whose kid names a key published for encryption", async () => {
    issuer.published[0] = { ...issuer.published[0]!, use: "enc" };
    expect(await rejection(await issuer.sign())).toBe("KEY_MISMATCH");
  });

  it("refuses a token whose payload was changed after signing", async () => {
    const [header, , signature] = (await issuer.sign()).split(".");
    const forged = b64url(JSON.stringify(issuer.claims({ scope: "MyService/weather_read MyService/admin" })));
    expect(await rejection(`${header}.${forged}.${signature}`)).toBe("SIGNATURE_INVALID");
  });
});

describe("the accepted-header cache", () => {
  it("still checks every header that differs from one it accepted, however slightly", async () => {
    await verifier.verify(await issuer.sign());
    for (const extra of [{ jku: "https://attacker.example/jwks" }, { crit: ["b64"] }, { typ: "JOSE+JSON" }]) {
      const token = await signRaw({ kid: issuer.key.kid, alg: "RS256", ...extra }, JSON.stringify(issuer.claims()), issuer.key);
      expect(await rejection(token)).toBe("HEADER_UNSUPPORTED");
    }
    const attacker = await makeKey(issuer.key.kid);
    expect(await rejection(await issuer.sign(issuer.claims(), { key: attacker }))).toBe("SIGNATURE_INVALID");
  });

  it("tells apart headers of the same length (one kid character apart)", async () => {
    await verifier.verify(await issuer.sign());
    const kid = issuer.key.kid;
    const otherKid = `${kid.slice(0, -1)}${kid.endsWith("x") ? "y" : "x"}`;
    const token = await signRaw({ kid: otherKid, alg: "RS256" }, JSON.stringify(issuer.claims()), issuer.key);
    expect(token.indexOf(".")).toBe((await issuer.sign()).indexOf("."));
    expect(await rejection(token)).toBe("KID_UNKNOWN");
  });

  it("does not take a longer header for an accepted one that its segment starts with", async () => {
    // A header whose length is a multiple of 3 encodes to a prefix of any longer header
    // that starts with it: padded with spaces inside the JSON until it is.
    let header = `{"kid":"${issuer.key.kid}","alg":"RS256"}`;
    for (let pad = 1; header.length % 3 !== 0; pad++) header = `{"kid":"${issuer.key.kid}","alg":${" ".repeat(pad)}"RS256"}`;
    const claims = JSON.stringify(issuer.claims());
    await verifier.verify(await signRaw(header, claims, issuer.key));
    const longer = await signRaw(`${header}   `, claims, issuer.key);
    expect(longer.startsWith(b64url(header))).toBe(true);
    expect(await rejection(longer)).toBe("TOKEN_MALFORMED");
  });
});

describe("claims", () => {
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    ["another pool's issuer", { iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool" }, "ISSUER_MISMATCH"],
    ["the issuer with a trailing slash", { iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1/" }, "ISSUER_MISMATCH"],
    ["the issuer over http", { iss: "http://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1" }, "ISSUER_MISMATCH"],
    ["an id token", { token_use: "id" }, "TOKEN_USE_INVALID"],
    ["no token_use", { token_use: undefined }, "TOKEN_USE_INVALID"],
    ["a client that is not allowed", { client_id: "notallowedclient" }, "CLIENT_NOT_ALLOWED"],
    ["exp as a string", () => ({ exp: String(now() + 3600) }), "CLAIM_INVALID"],
    ["iat as a string", () => ({ iat: String(now()) }), "CLAIM_INVALID"],
    ["no exp", { exp: undefined }, "CLAIM_INVALID"],
    ["no iat", { iat: undefined }, "CLAIM_INVALID"],
    ["an issuer that is not a string", { iss: ["https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"] }, "CLAIM_INVALID"],
    ["a scope that is an array", { scope: [WEATHER_READ] }, "CLAIM_INVALID"],
    ["a client_id that is a number", { client_id: 12345 }, "CLAIM_INVALID"],
    ["no client_id", { client_id: undefined }, "CLAIM_INVALID"],
    ["an expired token", () => ({ exp: now() - 60 }), "TOKEN_EXPIRED"],
    ["nbf in the future", () => ({ nbf: now() + 60 }), "TOKEN_NOT_YET_VALID"],
    ["iat far in the future", () => ({ iat: now() + 3600 }), "TOKEN_ISSUED_IN_FUTURE"],
  ] as const)("refuses %s", async (_, overrides, code) => {
    // Times are read when the case runs, not when the file is collected.
    const claims = typeof overrides === "function" ? overrides() : overrides;
    expect(await rejection(await issuer.sign(issuer.claims(claims)))).toBe(code);
  });

  it("allows the configured clock tolerance on exp, and not a second more", async () => {
    const fixed = 1_800_000_000;
    const at = (seconds: number) => createVerifier({ clockToleranceSeconds: 5, now: () => seconds * 1000 });
    const token = await issuer.sign(issuer.claims({ iat: fixed - 100, exp: fixed }));
    await expect(at(fixed + 4).verify(token)).resolves.toBeDefined();
    expect(await rejection(token, at(fixed + 5))).toBe("TOKEN_EXPIRED");
  });

  it("allows the configured clock tolerance on nbf and iat", async () => {
    const fixed = 1_800_000_000;
    const token = await issuer.sign(issuer.claims({ iat: fixed + 5, nbf: fixed + 5, exp: fixed + 3600 }));
    await expect(createVerifier({ now: () => fixed * 1000 }).verify(token)).resolves.toBeDefined();
    expect(await rejection(token, createVerifier({ now: () => (fixed - 1) * 1000 }))).toBe("TOKEN_NOT_YET_VALID");
  });

  it.each([
    ["the claim that counts last", '"token_use":"id","token_use":"access"'],
    ["the claim that counts first", '"token_use":"access","token_use":"id"'],
  ])("refuses a payload that names a claim twice (%s)", async (_, pair) => {
    const payload = JSON.stringify(issuer.claims({ token_use: undefined })).replace(/}$/, `,${pair}}`);
    expect(await rejection(await signRaw({ alg: "RS256", kid: issuer.key.kid }, payload, issuer.key))).toBe("TOKEN_MALFORMED");
  });

  it("does not let a __proto__ claim change the token", async () => {
    const payload = JSON.stringify(issuer.claims()).replace(/}$/, ',"__proto__":{"token_use":"id","isAdmin":true}}');
    const token = await verifier.verify(await signRaw({ alg: "RS256", kid: issuer.key.kid }, payload, issuer.key));
    expect(token.token_use).toBe("access");
    expect((token as unknown as { isAdmin?: boolean }).isAdmin).toBeUndefined();
  });
});

describe("configuration", () => {
  it.each([
    ["no issuer", { issuer: "" }, "issuer"],
    ["an http issuer on a public host", { issuer: "http://cognito-idp.us-east-1.amazonaws.com/us-east-1_X" }, "issuer"],
    ["an issuer with a trailing slash", { issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X/" }, "issuer"],
    ["no client ids", { clientIds: [] }, "clientIds"],
    ["client ids left out", { clientIds: undefined }, "clientIds"],
    ["HS256", { algorithms: ["HS256"] }, "algorithms"],
    ["none", { algorithms: ["none"] }, "algorithms"],
    ["a tolerance over 300 s", { clockToleranceSeconds: 301 }, "clockToleranceSeconds"],
    ["a lifetime of 0", { maxTokenLifetimeSeconds: 0 }, "maxTokenLifetimeSeconds"],
    ["a lifetime that is not a number", { maxTokenLifetimeSeconds: Number.NaN }, "maxTokenLifetimeSeconds"],
    ["an http issuer on a host that starts with 127.", { issuer: "http://127.attacker.example/us-east-1_X" }, "issuer"],
    ["an http issuer on a host that ends with localhost", { issuer: "http://evil-localhost/us-east-1_X" }, "issuer"],
    ["an http issuer on an IPv4 address outside 127/8", { issuer: "http://128.0.0.1/us-east-1_X" }, "issuer"],
  ])("refuses %s when created", (_, options, option) => {
    let thrown: unknown;
    try {
      createVerifier(options as Partial<CognitoVerifierOptions>);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).option).toBe(option);
  });

  it.each(["http://127.0.0.1:8789/us-east-1_toFGiuX5i", "http://127.255.0.9/p", "http://localhost:8789/p", "http://[::1]:8789/p"])(
    "accepts an http issuer on loopback (cognito-local): %s",
    (loopback) => {
      expect(() => createVerifier({ issuer: loopback })).not.toThrow();
    },
  );
});
