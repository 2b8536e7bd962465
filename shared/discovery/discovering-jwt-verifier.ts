/**
 * A JWT verifier that starts from the issuer URL alone: on first use it reads the
 * issuer's metadata (./issuer-metadata.ts) for `jwks_uri`, then verifies as
 * {@link JwtVerifier} does with that key set, for the life of the isolate.
 *
 * Lazy, because a Worker cannot fetch while its module loads and most build their
 * verifier once per isolate (oncePerEnv): the first request pays one or two metadata
 * fetches, the others none. Every option is still checked when the verifier is created.
 * While the metadata cannot be had, requests get {@link JwksUnavailableError} (503 from
 * the middleware), and it is asked again at most once per `DISCOVERY_RETRY_MS`; metadata
 * for another issuer is a {@link ConfigError} (500), remembered as long.
 * @module
 */
import { ConfigError, DiscoveryError, JwksUnavailableError } from "../errors.ts";
import { JwtVerifier, type JwtVerifierOptions, type VerifyOptions } from "../jwt/jwt-verifier.ts";
import { jsonLineLogger, type Logger } from "../log.ts";
import { fetchIssuerMetadata } from "./issuer-metadata.ts";

/** The options of {@link JwtVerifier} but `jwksUri`, which the issuer's metadata gives, for one issuer. */
export interface DiscoveringJwtVerifierOptions<T> extends Omit<JwtVerifierOptions<T>, "issuer" | "jwksUri"> {
  /** The exact `iss`; its metadata says where its keys are. One issuer per verifier. */
  issuer: string;
}

/** A failed discovery is tried again after this long, not on every request meanwhile. */
const DISCOVERY_RETRY_MS = 1_000;

/**
 * A {@link JwtVerifier} built from the issuer URL alone: its `jwks_uri` is read from the
 * issuer's metadata (RFC 8414, else OpenID discovery) on first use, once per instance.
 */
export class DiscoveringJwtVerifier<T> {
  /** The issuer, exactly as tokens and the metadata must carry it. */
  readonly issuer: string;
  private readonly options: DiscoveringJwtVerifierOptions<T>;
  private readonly now: () => number;
  private readonly logger: Logger;
  private verifier: JwtVerifier<T> | undefined;
  private inflight: Promise<JwtVerifier<T>> | undefined;
  private failure: { error: Error; at: number } | undefined;

  /**
   * @throws {ConfigError} when an option is missing or invalid (nothing is fetched yet)
   * @example
   * const verifier = new DiscoveringJwtVerifier({
   *   issuer: "https://auth.example.com",
   *   audience: "https://api.example.com",
   *   profile: "rfc9068",
   *   claims: (payload) => payload,
   * });
   */
  constructor(options: DiscoveringJwtVerifierOptions<T>) {
    if (typeof options?.issuer !== "string") throw new ConfigError("issuer must be one issuer URL", "issuer");
    if ((options as { jwksUri?: unknown }).jwksUri !== undefined) {
      throw new ConfigError("jwksUri is read from the issuer's metadata: give it to JwtVerifier instead", "jwksUri");
    }
    // Checks every option now, as JwtVerifier does; this one (with the default key URL) is never used.
    this.issuer = new JwtVerifier(options).issuer;
    this.options = options;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? jsonLineLogger();
  }

  /** A token verified before, from the cache, or `undefined` (see {@link JwtVerifier.verifyCached}). */
  verifyCached(token: string, options?: VerifyOptions): T | undefined {
    return this.verifier?.verifyCached(token, options);
  }

  /**
   * Verifies a token, reading the issuer's metadata first if it has not been read yet.
   * @throws {TokenRejectedError} with a stable `code` when the token is not acceptable
   * @throws {JwksUnavailableError} when neither the metadata nor the key set could be fetched
   * @throws {ConfigError} naming `issuer` when the metadata is for another issuer or names no `jwks_uri`
   */
  async verify(token: string, options?: VerifyOptions): Promise<T> {
    const verifier = this.verifier ?? (await this.discover());
    return verifier.verify(token, options);
  }

  private discover(): Promise<JwtVerifier<T>> {
    const failure = this.failure;
    if (failure !== undefined && this.now() - failure.at < DISCOVERY_RETRY_MS) return Promise.reject(failure.error);
    this.inflight ??= this.build().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async build(): Promise<JwtVerifier<T>> {
    try {
      const { jwks } = this.options;
      const metadata = await fetchIssuerMetadata(this.issuer, {
        fetch: jwks?.fetch,
        timeoutMs: jwks?.timeoutMs,
        maxResponseBytes: jwks?.maxResponseBytes,
      });
      if (metadata.jwks_uri === undefined) throw new ConfigError("the issuer's metadata names no jwks_uri", "issuer");
      this.verifier = new JwtVerifier({ ...this.options, jwksUri: metadata.jwks_uri });
      this.failure = undefined;
      return this.verifier;
    } catch (cause) {
      const error = cause instanceof DiscoveryError ? new JwksUnavailableError(cause.message, { cause }) : (cause as Error);
      this.failure = { error, at: this.now() };
      this.logger("warn", "issuer_metadata_failed", {
        issuer: this.issuer,
        code: (error as { code?: string }).code,
        reason: error.message,
      });
      throw error;
    }
  }
}
