/**
 * A generic JWT verifier for tokens signed with keys from their issuer's JWKS:
 * structure and header, key choice, signature, issuer, lifetime and time window,
 * then the caller's own claim checks. Providers (Cognito, in ../cognito) build on it.
 *
 * Several issuers may be trusted, each with its own key set. The token's `iss` is read
 * before the signature is checked, only to choose that set: a token naming an issuer
 * that is not configured is refused before any key is fetched, and a key of issuer B
 * never verifies a token claiming issuer A. Every claim, `iss` included, is checked
 * again after the signature.
 *
 * One straight path: split and parse the token, choose the key, verify the signature,
 * check the claims, remember the verdict. Keys are imported once per isolate, and the
 * verified-token cache turns a repeated token into a map lookup.
 * @module
 */
import { ConfigError, TokenRejectedError } from "../errors.ts";
import type { KeySetView, RemoteJwksOptions } from "../jwks/remote-jwks.ts";
import type { Logger } from "../log.ts";
import { numberOption } from "../options.ts";
import { type AccessTokenProfile, checkAccessTokenProfile, checkProfile } from "./access-token-profile.ts";
import { algorithmParameters, isSupportedAlgorithm, type JwsAlgorithm } from "./algorithms.ts";
import { type AcceptedAudiences, acceptedAudiences, checkAudience } from "./audience.ts";
import { checkIssuers } from "./check-issuer.ts";
import { parseCompactJws, signedBytes } from "./compact-jws.ts";
import { freezeDeep } from "./freeze-deep.ts";
import { IssuerKeys } from "./issuer-keys.ts";
import { checkRegisteredClaims, checkTimeWindow, type RegisteredClaims } from "./registered-claims.ts";
import { VerifiedTokenCache } from "./verified-token-cache.ts";

export interface JwtVerifierOptions<T> {
  /**
   * The exact `iss` expected, or the list of issuers trusted, each with its own key
   * set. Required: a verifier that trusts any issuer is not one.
   */
  issuer: string | readonly string[];
  /**
   * The identifier (or identifiers) of this API: a token whose `aud` names none of them
   * is refused (AUDIENCE_MISMATCH), as RFC 9068 section 4 asks. Required, unless every
   * issuer is a Cognito user pool (Cognito access tokens have no `aud`); `"*"` accepts
   * any audience, explicitly.
   */
  audience?: string | readonly string[];
  /**
   * `"rfc9068"`: accept only RFC 9068 access tokens, `typ` `at+jwt` (TOKEN_TYPE_INVALID
   * otherwise) with `aud`, `sub`, `client_id` and `jti` (CLAIM_INVALID otherwise).
   * Default: any JWT `typ` or none (Cognito's tokens have none), the registered claims only.
   */
  profile?: AccessTokenProfile;
  /** Where the keys are, for a single issuer only; default `<issuer>/.well-known/jwks.json` for each issuer. */
  jwksUri?: string;
  /** Accepted `alg` values. Default `["RS256"]`. `none` and HS* cannot be configured. */
  algorithms?: readonly JwsAlgorithm[];
  /** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds. Default 5, at most 300. */
  clockToleranceSeconds?: number;
  /**
   * Longest lifetime (`exp - iat`) accepted, in seconds, plus the clock tolerance.
   * Default 86,400: Cognito's longest access-token validity is one day.
   */
  maxTokenLifetimeSeconds?: number;
  /** Tokens longer than this are refused before any parsing. Default 8 KiB. */
  maxTokenBytes?: number;
  /** Verified tokens remembered per isolate. Default 1,000; 0 turns the cache off. */
  verifiedTokenCacheSize?: number;
  /** JWKS fetching (for each issuer): cooldown, timeout, size cap, fetch function, a key set shared between isolates (`shared`). */
  jwks?: Omit<RemoteJwksOptions, "jwksUri" | "now" | "logger">;
  /**
   * Checks the provider's claims after the registered ones; throw TokenRejectedError to
   * refuse. What it returns is frozen, deeply (objects and arrays): the cache hands the
   * same value to every request with the same token.
   */
  claims: (payload: Record<string, unknown>, registered: RegisteredClaims) => T;
  /** Where the verifier's events go (a JWKS fetch that failed, keys withdrawn). Default: JSON lines on the console. */
  logger?: Logger;
  /** Milliseconds since the epoch. @internal */
  now?: () => number;
}

export interface VerifyOptions {
  /** `ctx.waitUntil`, so that a background key refresh outlives the request. */
  waitUntil?: (promise: Promise<unknown>) => void;
}

const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;
const MAX_CLOCK_TOLERANCE_SECONDS = 300;
const DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;
const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 1_000;
/**
 * Cognito's longest access-token validity: "You can set the access token expiration
 * to any value between 5 minutes and 1 day" (AWS, "Understanding the access token",
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html;
 * CloudFormation `AWS::Cognito::UserPoolClient` `AccessTokenValidity`: maximum 86400 seconds).
 */
const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 86_400;

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

export class JwtVerifier<T> {
  /** Every issuer trusted, in the order configured. */
  readonly issuers: readonly string[];
  private readonly algorithms: readonly JwsAlgorithm[];
  private readonly audiences: AcceptedAudiences;
  private readonly profile: AccessTokenProfile | undefined;
  private readonly toleranceSeconds: number;
  private readonly maxLifetimeSeconds: number;
  private readonly maxTokenBytes: number;
  private readonly claims: JwtVerifierOptions<T>["claims"];
  private readonly now: () => number;
  private readonly cache: VerifiedTokenCache<T>;
  private readonly keysByIssuer = new Map<string, IssuerKeys>();

  /**
   * @throws {ConfigError} when an option is missing or invalid
   * @example
   * const verifier = new JwtVerifier({
   *   issuer: ["https://auth.example.com", "https://auth-eu.example.com"],
   *   audience: "https://api.example.com",
   *   claims: (payload) => ({ subject: String(payload.sub) }),
   * });
   */
  constructor(options: JwtVerifierOptions<T>) {
    this.issuers = Object.freeze(checkIssuers(options.issuer));
    if (options.jwksUri !== undefined && this.issuers.length > 1) {
      throw new ConfigError(
        "jwksUri can only be given with a single issuer (each issuer's keys are at <issuer>/.well-known/jwks.json)",
        "jwksUri",
      );
    }
    this.algorithms = checkAlgorithms(options.algorithms ?? ["RS256"]);
    this.audiences = acceptedAudiences(options.audience, this.issuers);
    this.profile = checkProfile(options.profile);
    this.toleranceSeconds = checkTolerance(options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS);
    this.maxLifetimeSeconds = numberOption("maxTokenLifetimeSeconds", options.maxTokenLifetimeSeconds, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, {
      min: 1,
    });
    this.maxTokenBytes = numberOption("maxTokenBytes", options.maxTokenBytes, DEFAULT_MAX_TOKEN_BYTES, { min: 1 });
    if (typeof options.claims !== "function") throw new ConfigError("claims must be a function", "claims");
    this.claims = options.claims;
    this.now = options.now ?? Date.now;
    this.cache = new VerifiedTokenCache(
      numberOption("verifiedTokenCacheSize", options.verifiedTokenCacheSize, DEFAULT_VERIFIED_TOKEN_CACHE_SIZE),
    );
    const forget = (issuer: string, kids: readonly string[]) => this.cache.forgetKeys(issuer, kids);
    for (const issuer of this.issuers) {
      const jwksUri = options.jwksUri ?? `${issuer}/.well-known/jwks.json`;
      this.keysByIssuer.set(issuer, new IssuerKeys(issuer, { ...options.jwks, jwksUri, now: this.now, logger: options.logger }, forget));
    }
  }

  /** The first issuer configured (the only one, for a single-issuer verifier). */
  get issuer(): string {
    return this.issuers[0]!;
  }

  /**
   * The first issuer's key set (the only one, for a single-issuer verifier), to
   * observe or reload. See {@link jwksFor} for the others.
   */
  get jwks(): KeySetView {
    return this.keysByIssuer.get(this.issuer)!.jwks;
  }

  /** The key set of one configured issuer, or `undefined` for an issuer not configured. */
  jwksFor(issuer: string): KeySetView | undefined {
    return this.keysByIssuer.get(issuer)?.jwks;
  }

  /**
   * The synchronous half of {@link verify}: the claims of a token verified before and
   * still in the cache, its time window checked again now; `undefined` when the token
   * is not in the cache (then call `verify`). No promise, no allocation.
   * @throws {TokenRejectedError} when the cached token is now outside its time window
   * @example
   * const claims = verifier.verifyCached(token, options) ?? (await verifier.verify(token, options));
   */
  verifyCached(token: string, options?: VerifyOptions): T | undefined {
    const cached = this.cache.get(token);
    if (cached === undefined) return undefined;
    const now = this.now();
    checkTimeWindow(cached, now / 1000, this.toleranceSeconds);
    // Cached verdicts must still learn of keys leaving (or changing in) the issuer's set,
    // and of keys from a shared copy reaching their bound (then the token is verified anew).
    const jwks = this.keysByIssuer.get(cached.iss)!.jwks;
    if (jwks.dropIfPastBound(now)) return undefined;
    jwks.refreshIfStale(options?.waitUntil, now);
    return cached.claims;
  }

  /**
   * Verifies a token and returns what the `claims` check made of its payload (frozen).
   * @throws {TokenRejectedError} with a stable `code` when the token is not acceptable
   * @throws {JwksUnavailableError} when no key set could be fetched at all
   */
  async verify(token: string, options?: VerifyOptions): Promise<T> {
    const cached = this.verifyCached(token, options);
    if (cached !== undefined) return cached;
    const waitUntil = options?.waitUntil;

    // 1. Split and parse: the header checked, the payload parsed.
    const jws = parseCompactJws(token, this.algorithms, this.maxTokenBytes);
    const { alg, kid, typ, payload } = jws;

    // 2. Choose the key. `iss` only chooses the issuer's key set here: it is checked
    // with every other claim after the signature. A token naming an issuer that is not
    // trusted is refused before any key is fetched.
    const iss = payload.iss;
    if (typeof iss !== "string") throw new TokenRejectedError("CLAIM_INVALID", "the iss claim must be a string", { claim: "iss" });
    const keys = this.keysByIssuer.get(iss);
    if (keys === undefined) {
      throw new TokenRejectedError("ISSUER_MISMATCH", "the token is from an issuer that is not trusted", { claim: "iss" });
    }
    keys.jwks.dropIfPastBound();
    const key = keys.ready(alg, kid) ?? (await keys.keyFor(kid, alg, waitUntil));

    // 3. Verify the signature. Its bytes are decoded into reused buffers and handed to
    // crypto.subtle.verify, which copies them, in one synchronous step; the key set's
    // freshness check, which may run the caller's waitUntil, comes after: no caller code
    // runs between the decoding and the verification.
    const { signature, signingInput } = signedBytes(token, jws);
    const verified = crypto.subtle.verify(algorithmParameters(alg).verifyParams, key, signature, signingInput);
    keys.jwks.refreshIfStale(waitUntil);
    if (!(await verified)) {
      keys.jwks.suspect(waitUntil);
      throw new TokenRejectedError("SIGNATURE_INVALID", "the signature does not verify");
    }

    // 4. Check the claims: the registered ones, the audience and profile, then the caller's.
    const registered = checkRegisteredClaims(payload, keys.issuer, this.now() / 1000, this.toleranceSeconds, this.maxLifetimeSeconds);
    if (this.audiences !== undefined) checkAudience(payload.aud, this.audiences);
    if (this.profile !== undefined) checkAccessTokenProfile(typ, payload);
    const claims = freezeDeep(this.claims(payload, registered));

    // 5. Remember the verdict, only if the key that verified it is still the issuer's
    // key for this kid: where WebCrypto runs off the main thread (Node), a refresh that
    // drops the kid can land during the verification, and its verdict must not outlive it.
    if (keys.ready(alg, kid) === key) {
      this.cache.set(token, { claims, iss: registered.iss, kid, exp: registered.exp, iat: registered.iat, nbf: registered.nbf });
    }
    return claims;
  }

  /** Drops a token from the verified-token cache (for instance after the caller saw it revoked). */
  forget(token: string): void {
    this.cache.delete(token);
  }
}
