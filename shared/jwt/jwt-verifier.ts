/**
 * A generic JWT verifier for tokens signed with keys from the issuer's JWKS:
 * structure and header, key choice, signature, issuer and time window, then the
 * caller's own claim checks. Providers (Cognito, in ../cognito) build on it.
 *
 * The hot path calls `crypto.subtle.verify` directly on keys imported once per
 * isolate, and a verified-token cache turns a repeated token into a map lookup.
 * @module
 */
import { importJWK } from "jose";
import { ConfigError, TokenRejectedError } from "../errors.ts";
import { numberOption } from "../options.ts";
import { RemoteJwks, type KeyedJwk, type RemoteJwksOptions } from "../jwks/remote-jwks.ts";
import { algorithmParameters, isSupportedAlgorithm, type JwsAlgorithm } from "./algorithms.ts";
import { decodeJsonObject, HeaderCache, parseCompactJws } from "./compact-jws.ts";
import { checkTimeWindow, readRegisteredClaims, type RegisteredClaims } from "./registered-claims.ts";
import { VerifiedTokenCache } from "./verified-token-cache.ts";

export interface JwtVerifierOptions<T> {
  /** The exact `iss` expected. Required: a verifier that trusts any issuer is not one. */
  issuer: string;
  /** Where the keys are; default `<issuer>/.well-known/jwks.json`. */
  jwksUri?: string;
  /** Accepted `alg` values. Default `["RS256"]`. `none` and HS* cannot be configured. */
  algorithms?: readonly JwsAlgorithm[];
  /** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds. Default 5, at most 300. */
  clockToleranceSeconds?: number;
  /** Tokens longer than this are refused before any parsing. Default 8 KiB. */
  maxTokenBytes?: number;
  /** Verified tokens remembered per isolate. Default 1,000; 0 turns the cache off. */
  verifiedTokenCacheSize?: number;
  /** JWKS fetching: cooldown, timeout, size cap, fetch function. */
  jwks?: Omit<RemoteJwksOptions, "jwksUri" | "now">;
  /** Checks the provider's claims after the registered ones; throw TokenRejectedError to refuse. */
  claims: (payload: Record<string, unknown>, registered: RegisteredClaims) => T;
  /** Milliseconds since the epoch; for tests. */
  now?: () => number;
}

export interface VerifyOptions {
  /** `ctx.waitUntil`, so that a background key refresh outlives the request. */
  waitUntil?: (promise: Promise<unknown>) => void;
}

export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;
export const MAX_CLOCK_TOLERANCE_SECONDS = 300;
export const DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;
export const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 1_000;

/** Issuers must be https, except on loopback hosts (local development). */
function checkIssuer(issuer: unknown): string {
  if (typeof issuer !== "string" || issuer === "") throw new ConfigError("issuer is required", "issuer");
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError("issuer is not a URL", "issuer");
  }
  const loopback = url.hostname === "localhost" || url.hostname === "[::1]" || url.hostname.startsWith("127.");
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new ConfigError("issuer must be an https URL (http only on loopback hosts)", "issuer");
  }
  if (issuer.endsWith("/") || url.search || url.hash) {
    throw new ConfigError("issuer must have no trailing slash, query or fragment", "issuer");
  }
  return issuer;
}

function checkAlgorithms(algorithms: readonly unknown[]): JwsAlgorithm[] {
  if (algorithms.length === 0) throw new ConfigError("algorithms must not be empty", "algorithms");
  for (const alg of algorithms) {
    if (!isSupportedAlgorithm(alg)) throw new ConfigError(`algorithm ${String(alg)} is not supported`, "algorithms");
  }
  return [...algorithms] as JwsAlgorithm[];
}

function checkTolerance(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_CLOCK_TOLERANCE_SECONDS) {
    throw new ConfigError(`clockToleranceSeconds must be between 0 and ${MAX_CLOCK_TOLERANCE_SECONDS}`, "clockToleranceSeconds");
  }
  return seconds;
}

// 2048 bits in base64url: RSA keys shorter than that are refused (RFC 7518 section 3.3).
const MIN_RSA_MODULUS_BASE64URL_LENGTH = 342;

/** The key must be meant for this algorithm and for signatures, whatever the token claims. */
function checkKeyFitsAlgorithm(jwk: KeyedJwk, alg: JwsAlgorithm): void {
  const kty = algorithmParameters(alg).kty;
  const fits =
    jwk.kty === kty &&
    (kty !== "RSA" || (typeof jwk.n === "string" && jwk.n.length >= MIN_RSA_MODULUS_BASE64URL_LENGTH)) &&
    (jwk.alg === undefined || jwk.alg === alg) &&
    (jwk.use === undefined || jwk.use === "sig") &&
    (jwk.key_ops === undefined || jwk.key_ops.includes("verify"));
  if (!fits) throw new TokenRejectedError("KEY_MISMATCH", "the key named by kid is not a key for this algorithm");
}

export class JwtVerifier<T> {
  readonly issuer: string;
  readonly jwks: RemoteJwks;
  private readonly algorithms: readonly JwsAlgorithm[];
  private readonly toleranceSeconds: number;
  private readonly maxTokenBytes: number;
  private readonly claims: JwtVerifierOptions<T>["claims"];
  private readonly now: () => number;
  private readonly cache: VerifiedTokenCache<T>;
  private readonly importedKeys = new Map<string, Promise<CryptoKey>>();
  /** Keys already imported and checked, by `alg:kid`: the hot path takes them without awaiting. */
  private readonly readyKeys = new Map<string, CryptoKey>();
  private readonly headers = new HeaderCache();

  /** @throws {ConfigError} when an option is missing or invalid */
  constructor(options: JwtVerifierOptions<T>) {
    this.issuer = checkIssuer(options.issuer);
    this.algorithms = checkAlgorithms(options.algorithms ?? ["RS256"]);
    this.toleranceSeconds = checkTolerance(options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS);
    this.maxTokenBytes = numberOption("maxTokenBytes", options.maxTokenBytes, DEFAULT_MAX_TOKEN_BYTES, { min: 1 });
    if (typeof options.claims !== "function") throw new ConfigError("claims must be a function", "claims");
    this.claims = options.claims;
    this.now = options.now ?? Date.now;
    this.cache = new VerifiedTokenCache(
      numberOption("verifiedTokenCacheSize", options.verifiedTokenCacheSize, DEFAULT_VERIFIED_TOKEN_CACHE_SIZE),
    );
    this.jwks = new RemoteJwks({
      ...options.jwks,
      jwksUri: options.jwksUri ?? `${this.issuer}/.well-known/jwks.json`,
      now: this.now,
    });
    this.jwks.onKeysRemoved((kids) => {
      this.cache.forgetKeys(kids);
      for (const cache of [this.importedKeys, this.readyKeys]) {
        for (const cacheKey of cache.keys()) {
          if (kids.includes(cacheKey.slice(cacheKey.indexOf(":") + 1))) cache.delete(cacheKey);
        }
      }
    });
  }

  /**
   * Verifies a token and returns what the `claims` check made of its payload.
   * @throws {TokenRejectedError} with a stable `code` when the token is not acceptable
   * @throws {JwksUnavailableError} when no key set could be fetched at all
   */
  async verify(token: string, options: VerifyOptions = {}): Promise<T> {
    const nowSeconds = this.now() / 1000;
    const cached = this.cache.get(token);
    if (cached !== undefined) {
      checkTimeWindow(cached, nowSeconds, this.toleranceSeconds);
      // Cached verdicts must still learn of keys leaving the issuer's set.
      this.jwks.refreshIfStale(options.waitUntil);
      return cached.claims;
    }

    const jws = parseCompactJws(token, this.algorithms, this.maxTokenBytes, this.headers);
    let key = this.readyKeys.get(`${jws.alg}:${jws.kid}`);
    if (key === undefined) {
      key = await this.keyFor(jws.kid, jws.alg, options);
    } else {
      this.jwks.refreshIfStale(options.waitUntil);
    }
    const valid = await crypto.subtle.verify(algorithmParameters(jws.alg).verifyParams, key, jws.signature, jws.signingInput);
    if (!valid) throw new TokenRejectedError("SIGNATURE_INVALID", "the signature does not verify");

    const payload = decodeJsonObject(jws.payloadSegment, "payload");
    const registered = readRegisteredClaims(payload, this.issuer);
    checkTimeWindow(registered, nowSeconds, this.toleranceSeconds);
    const claims = this.claims(payload, registered);
    this.cache.set(token, { claims, kid: jws.kid, ...registered });
    return claims;
  }

  /** Drops a token from the verified-token cache (for instance after the caller saw it revoked). */
  forget(token: string): void {
    this.cache.delete(token);
  }

  private async keyFor(kid: string, alg: JwsAlgorithm, options: VerifyOptions): Promise<CryptoKey> {
    const jwk = await this.jwks.getKey(kid, options.waitUntil);
    if (jwk === undefined) throw new TokenRejectedError("KID_UNKNOWN", "the token's kid is not in the issuer's key set");
    checkKeyFitsAlgorithm(jwk, alg);
    const cacheKey = `${alg}:${kid}`;
    let imported = this.importedKeys.get(cacheKey);
    if (imported === undefined) {
      imported = importJWK({ ...jwk, alg }, alg) as Promise<CryptoKey>;
      this.importedKeys.set(cacheKey, imported);
      imported.catch(() => this.importedKeys.delete(cacheKey));
    }
    try {
      const key = await imported;
      this.readyKeys.set(cacheKey, key);
      return key;
    } catch (cause) {
      throw new TokenRejectedError("KEY_MISMATCH", "the key named by kid cannot be imported", { cause });
    }
  }
}
