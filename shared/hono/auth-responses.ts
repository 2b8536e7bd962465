/**
 * Every answer the authorization layer gives, built in one place: the RFC 6750
 * `WWW-Authenticate` challenge and an RFC 9457 `application/problem+json` body.
 * Descriptions are fixed strings: nothing from the request (and so never the token)
 * is echoed.
 * @module
 */

import { problem } from "./problem.ts";

type ChallengeError = "invalid_request" | "invalid_token" | "insufficient_scope";

function challenge(error?: ChallengeError, params: Record<string, string> = {}): string {
  if (error === undefined) return "Bearer";
  const attributes = Object.entries({ error, ...params }).map(([name, value]) => `${name}="${value}"`);
  return `Bearer ${attributes.join(", ")}`;
}

/** No bearer credentials: a bare challenge, no error code (RFC 6750 section 3.1). */
export function missingCredentials(): Response {
  return problem({
    status: 401,
    title: "Unauthorized",
    detail: "This resource needs a bearer access token.",
    code: "missing_token",
    headers: { "WWW-Authenticate": challenge() },
  });
}

export function invalidRequest(): Response {
  const description = "The Authorization header is malformed";
  return problem({
    status: 400,
    title: "Bad Request",
    detail: `${description}.`,
    code: "invalid_request",
    headers: { "WWW-Authenticate": challenge("invalid_request", { error_description: description }) },
  });
}

export function invalidToken(expired: boolean): Response {
  const description = expired ? "The access token expired" : "The access token is invalid";
  return problem({
    status: 401,
    title: "Unauthorized",
    detail: `${description}.`,
    code: "invalid_token",
    headers: { "WWW-Authenticate": challenge("invalid_token", { error_description: description }) },
  });
}

export function insufficientScope(scopes: readonly string[]): Response {
  const scope = scopes.join(" ");
  return problem({
    status: 403,
    title: "Forbidden",
    detail: `The access token does not grant the scope ${scope}.`,
    code: "insufficient_scope",
    headers: { "WWW-Authenticate": challenge("insufficient_scope", { scope }) },
  });
}

export function keysUnavailable(retryAfterSeconds: number): Response {
  return problem({
    status: 503,
    title: "Service Unavailable",
    detail: "Access tokens cannot be verified right now.",
    code: "keys_unavailable",
    headers: { "Retry-After": String(retryAfterSeconds) },
  });
}

/** 500 "misconfigured": a setting is missing or invalid; the details go to the log, never to the caller. */
export function misconfigured(): Response {
  return problem({
    status: 500,
    title: "Internal Server Error",
    detail: "The service is misconfigured.",
    code: "misconfigured",
  });
}
