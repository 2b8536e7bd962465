/**
 * Hono middleware that admits a request only with a valid Cognito access token
 * holding the scopes the route requires, and puts the verified token on the
 * context as `c.var.cognitoToken`.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import type { CognitoAccessToken } from "../cognito/cognito-access-token.ts";
import type { CognitoAccessTokenVerifier } from "../cognito/cognito-verifier.ts";
import { ConfigError, JwksUnavailableError, TokenRejectedError } from "../errors.ts";
import { logEvent } from "../log.ts";
import { insufficientScope, invalidRequest, invalidToken, keysUnavailable, misconfigured, missingCredentials } from "./auth-responses.ts";
import { readBearerToken } from "./bearer-token.ts";
import { waitUntilOf } from "./wait-until.ts";

declare module "hono" {
  interface ContextVariableMap {
    /** The verified access token of the request, set by `cognitoAuth`. */
    cognitoToken: CognitoAccessToken;
  }
}

export interface CognitoAuthOptions {
  /**
   * The verifier, or a function that returns it from the context (to build it once
   * from `c.env`). A function that throws answers 500 "misconfigured" and logs why.
   */
  verifier: CognitoAccessTokenVerifier | ((c: Context) => CognitoAccessTokenVerifier);
  /**
   * Scope alternatives, as an OpenAPI security requirement list: the request passes
   * when its token holds every scope of at least one entry. `[[]]` asks for a valid
   * token and no scope. An empty list is refused: it would say nothing.
   */
  requiredScopes: readonly (readonly string[])[];
}

const RETRY_AFTER_KEYS_UNAVAILABLE_SECONDS = 5;

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

/**
 * @example
 * app.get("/weatherforecast",
 *   cognitoAuth({ verifier, requiredScopes: [["MyService/weather_read"]] }),
 *   (c) => c.json({ client: c.var.cognitoToken.client_id }));
 */
export function cognitoAuth(options: CognitoAuthOptions): MiddlewareHandler {
  if (!options?.verifier) throw new ConfigError("verifier is required", "verifier");
  const requiredScopes = checkRequiredScopes(options.requiredScopes);
  const resolveVerifier = typeof options.verifier === "function" ? options.verifier : () => options.verifier as CognitoAccessTokenVerifier;

  return async function cognitoAuth(c, next) {
    let verifier: CognitoAccessTokenVerifier;
    try {
      verifier = resolveVerifier(c);
    } catch (error) {
      logEvent("error", "auth_misconfigured", { reason: error instanceof Error ? error.message : String(error) });
      return misconfigured();
    }

    const credentials = readBearerToken(c.req.header("Authorization"));
    if (credentials.kind === "missing") return missingCredentials();
    if (credentials.kind === "malformed") {
      logEvent("info", "auth_rejected", { code: "AUTHORIZATION_MALFORMED", reason: credentials.reason });
      return invalidRequest();
    }

    let token: CognitoAccessToken;
    try {
      const options = { waitUntil: waitUntilOf(c) };
      // A token verified before (a BFF sends the same one for an hour) is answered
      // from the verifier's cache synchronously, its time window and the key set's
      // freshness checked again: no promise between the request and the route. Only a
      // token not seen yet takes the asynchronous path, and its RSA verification.
      token = verifier.verifyCached(credentials.token, options) ?? (await verifier.verify(credentials.token, options));
    } catch (error) {
      if (error instanceof TokenRejectedError) {
        logEvent("info", "auth_rejected", { code: error.code, claim: error.claim });
        return invalidToken(error.code === "TOKEN_EXPIRED");
      }
      if (error instanceof JwksUnavailableError) {
        logEvent("error", "auth_unavailable", { code: error.code });
        return keysUnavailable(RETRY_AFTER_KEYS_UNAVAILABLE_SECONDS);
      }
      throw error;
    }

    if (!requiredScopes.some((alternative) => alternative.every((scope) => token.scopes.has(scope)))) {
      logEvent("info", "auth_rejected", { code: "INSUFFICIENT_SCOPE", client: token.client_id });
      return insufficientScope(requiredScopes[0]!);
    }
    c.set("cognitoToken", token);
    await next();
  };
}
