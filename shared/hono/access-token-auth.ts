/**
 * Hono middleware that admits a request only with a valid access token holding the
 * scopes the route requires, and puts the verified token on the context as
 * `c.var.accessToken`. Any verifier with `verify` serves (and `verifyCached`, when it
 * has one): the Cognito verifier, the generic `JwtVerifier` with the scope claim
 * named, or one built on jose.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { ConfigError, JwksUnavailableError, TokenRejectedError } from "../errors.ts";
import type { VerifyOptions } from "../jwt/jwt-verifier.ts";
import { jsonLineLogger, type Logger } from "../log.ts";
import { insufficientScope, invalidRequest, invalidToken, keysUnavailable, misconfigured, missingCredentials } from "./auth-responses.ts";
import { readBearerToken } from "./bearer-token.ts";
import { waitUntilOf } from "./wait-until.ts";

/** What the middleware needs of a verifier: `CognitoAccessTokenVerifier` and `JwtVerifier` have both. */
export interface AccessTokenVerifier<T> {
  /** A token verified before, answered synchronously from the cache, or `undefined`. Optional: without it, `verify` is asked. */
  verifyCached?(token: string, options?: VerifyOptions): T | undefined;
  /** Verifies a token not seen yet; throws TokenRejectedError or JwksUnavailableError. */
  verify(token: string, options?: VerifyOptions): Promise<T>;
}

/**
 * The context variables the middleware sets, for `new Hono<{ Variables: ... }>()`
 * (as `JwtVariables` of hono's jwt middleware).
 * @example
 * const app = new Hono<{ Variables: AccessTokenVariables<CognitoAccessToken> }>();
 */
export type AccessTokenVariables<T = unknown> = {
  /** The verified access token of the request. */
  accessToken: T;
};

/** The options of {@link accessTokenAuth}. */
export interface AccessTokenAuthOptions<T extends object> {
  /**
   * The verifier, or a function that returns it from the context (to build it once
   * from `c.env`). A function that throws answers 500 "misconfigured" and logs why.
   */
  verifier: AccessTokenVerifier<T> | ((c: Context) => AccessTokenVerifier<T>);
  /**
   * Scope alternatives, as an OpenAPI security requirement list: the request passes
   * when its token holds every scope of at least one entry. `[[]]` asks for a valid
   * token and no scope. An empty list is refused: it would say nothing.
   */
  requiredScopes: readonly (readonly string[])[];
  /**
   * The member of the verified token that holds its scopes: a `Set`, an array of
   * strings, or a space-separated string (RFC 9068's `scope`). Default `scopes`, the
   * frozen array of a `CognitoAccessToken`; for a `JwtVerifier` that returns the payload,
   * `scope`. A token without it holds no scope.
   */
  scopeClaim?: Extract<keyof T, string>;
  /** Where the middleware's events go. Default `jsonLineLogger()`. */
  logger?: Logger;
}

const RETRY_AFTER_KEYS_UNAVAILABLE_SECONDS = 5;
const DEFAULT_SCOPE_CLAIM = "scopes";

function checkRequiredScopes(requiredScopes: unknown): readonly (readonly string[])[] {
  if (!Array.isArray(requiredScopes) || requiredScopes.length === 0) {
    throw new ConfigError("requiredScopes must hold at least one alternative ([[]] for no scope)", "requiredScopes");
  }
  for (const alternative of requiredScopes) {
    if (!Array.isArray(alternative) || alternative.some((s) => typeof s !== "string" || s === "" || /\s/.test(s))) {
      throw new ConfigError("requiredScopes must be lists of scope names without spaces", "requiredScopes");
    }
  }
  return requiredScopes;
}

function checkVerifier<T>(verifier: unknown): void {
  if (typeof verifier === "function") return;
  const candidate = verifier as Partial<AccessTokenVerifier<T>> | undefined;
  if (typeof candidate?.verify !== "function" || (candidate.verifyCached !== undefined && typeof candidate.verifyCached !== "function")) {
    throw new ConfigError(
      "verifier must have verify (and verifyCached a function, if given), or be a function that returns such a verifier",
      "verifier",
    );
  }
}

/** Whether the scope claim's value grants `scope`; a value of another type grants nothing. */
function grants(value: unknown, scope: string): boolean {
  if (value instanceof Set) return value.has(scope);
  if (Array.isArray(value)) return value.includes(scope);
  if (typeof value === "string") return value.split(" ").includes(scope);
  return false;
}

/**
 * The middleware: 401 without a valid bearer token, 403 without a required scope, 503
 * when no key set can be fetched; otherwise the verified token goes to
 * `c.var.accessToken` and the request to the route.
 * @throws {ConfigError} when an option is missing or invalid, at once rather than per request
 * @example
 * app.get("/weatherforecast",
 *   accessTokenAuth({ verifier, requiredScopes: [["MyService/weather_read"]] }),
 *   (c) => c.json({ client: c.var.accessToken.client_id }));
 */
export function accessTokenAuth<T extends object>(
  options: AccessTokenAuthOptions<T>,
): MiddlewareHandler<{ Variables: AccessTokenVariables<T> }> {
  if (!options?.verifier) throw new ConfigError("verifier is required", "verifier");
  checkVerifier(options.verifier);
  const requiredScopes = checkRequiredScopes(options.requiredScopes);
  const scopeClaim: string = options.scopeClaim ?? DEFAULT_SCOPE_CLAIM;
  if (typeof scopeClaim !== "string" || scopeClaim === "") throw new ConfigError("scopeClaim must be a claim name", "scopeClaim");
  const logger = options.logger ?? jsonLineLogger();
  const configured = options.verifier;
  const resolveVerifier = typeof configured === "function" ? configured : () => configured;

  return async function accessTokenAuth(c, next) {
    let verifier: AccessTokenVerifier<T>;
    try {
      verifier = resolveVerifier(c);
    } catch (error) {
      logger("error", "auth_misconfigured", { reason: error instanceof Error ? error.message : String(error) });
      return misconfigured();
    }

    const credentials = readBearerToken(c.req.header("Authorization"));
    if (credentials.kind === "missing") return missingCredentials();
    if (credentials.kind === "malformed") {
      logger("info", "auth_rejected", { code: "AUTHORIZATION_MALFORMED", reason: credentials.reason });
      return invalidRequest();
    }

    let token: T;
    try {
      const verifyOptions = { waitUntil: waitUntilOf(c) };
      // A token verified before (a BFF sends the same one for an hour) is answered
      // from the verifier's cache synchronously, its time window and the key set's
      // freshness checked again: no promise between the request and the route. Only a
      // token not seen yet takes the asynchronous path, and its signature check.
      token = verifier.verifyCached?.(credentials.token, verifyOptions) ?? (await verifier.verify(credentials.token, verifyOptions));
    } catch (error) {
      if (error instanceof TokenRejectedError) {
        logger("info", "auth_rejected", { code: error.code, claim: error.claim });
        return invalidToken(error.code === "TOKEN_EXPIRED");
      }
      if (error instanceof JwksUnavailableError) {
        logger("error", "auth_unavailable", { code: error.code });
        return keysUnavailable(RETRY_AFTER_KEYS_UNAVAILABLE_SECONDS);
      }
      throw error;
    }

    const scopes = (token as Record<string, unknown>)[scopeClaim];
    if (!requiredScopes.some((alternative) => alternative.every((scope) => grants(scopes, scope)))) {
      const client = (token as { client_id?: unknown }).client_id;
      logger("info", "auth_rejected", { code: "INSUFFICIENT_SCOPE", client: typeof client === "string" ? client : undefined });
      return insufficientScope(requiredScopes[0]!);
    }
    c.set("accessToken", token);
    await next();
  };
}
