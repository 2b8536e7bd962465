/**
 * Reads a token request (RFC 6749 sections 2.3.1 and 4.4): the form body and the
 * client's credentials, from `Authorization: Basic` or from the body, never both.
 * @module
 */
import { OAuthError } from "./oauth-error";

/** A token request whose shape is valid; nothing in it is trusted yet. */
export interface TokenRequest {
  clientId: string;
  clientSecret: string | null;
  grantType: string;
  /** The requested scopes, or null when the request named none. */
  scopes: string[] | null;
  /** The other parameters (`code`, `refresh_token`...), for the grants cognito-local only refuses. */
  form: URLSearchParams;
}

// A client-credentials form is a few hundred bytes; anything near this is not a client of ours.
const MAX_BODY_BYTES = 8 * 1024;
const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

async function readForm(request: Request): Promise<URLSearchParams> {
  const contentType = request.headers.get("Content-Type")?.split(";")[0]?.trim().toLowerCase();
  if (contentType !== FORM_CONTENT_TYPE) {
    // Cognito's page only says the Content-Type must be the form's; what Cognito answers
    // otherwise was observed (issue #11; an AWS re:Post answer shows the same 405):
    // 405 with an empty body, not an OAuth error.
    throw new OAuthError("invalid_request", `Content-Type must be ${FORM_CONTENT_TYPE}`, 405);
  }
  const declaredLength = Number(request.headers.get("Content-Length") ?? 0);
  if (declaredLength > MAX_BODY_BYTES) throw new OAuthError("invalid_request", "request body is too large");
  const body = await request.arrayBuffer();
  if (body.byteLength > MAX_BODY_BYTES) throw new OAuthError("invalid_request", "request body is too large");
  return new URLSearchParams(new TextDecoder().decode(body));
}

function single(form: URLSearchParams, name: string): string | null {
  const values = form.getAll(name);
  if (values.length > 1) throw new OAuthError("invalid_request", `parameter ${name} is repeated`);
  return values[0] ?? null;
}

function decodeBasicCredentials(header: string): { clientId: string; clientSecret: string } {
  const match = /^basic +([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
  if (!match) throw new OAuthError("invalid_client", "Authorization header is not valid Basic credentials");
  let decoded: string;
  try {
    decoded = atob(match[1]!);
  } catch {
    throw new OAuthError("invalid_client", "Authorization header is not valid Basic credentials");
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) throw new OAuthError("invalid_client", "Authorization header is not valid Basic credentials");
  // RFC 6749 2.3.1: id and secret are form-urlencoded before being joined.
  const formDecode = (part: string) => {
    try {
      return decodeURIComponent(part.replace(/\+/g, " "));
    } catch {
      throw new OAuthError("invalid_client", "Authorization header is not valid Basic credentials");
    }
  };
  return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
}

/** Parses and shape-checks a token request; throws {@link OAuthError} on bad input. */
export async function readTokenRequest(request: Request): Promise<TokenRequest> {
  const form = await readForm(request);
  const grantType = single(form, "grant_type");
  if (!grantType) throw new OAuthError("invalid_request", "grant_type is required");

  const bodyClientId = single(form, "client_id");
  const bodySecret = single(form, "client_secret");
  const scope = single(form, "scope");
  const scopes = scope === null ? null : scope.split(" ").filter((s) => s !== "");
  if (scopes !== null && scopes.length === 0) throw new OAuthError("invalid_scope", "scope is empty");

  const authorization = request.headers.get("Authorization");
  if (authorization !== null) {
    if (bodySecret !== null) {
      throw new OAuthError("invalid_request", "client credentials were sent both in the Authorization header and in the body");
    }
    const basic = decodeBasicCredentials(authorization);
    if (bodyClientId !== null && bodyClientId !== basic.clientId) {
      throw new OAuthError("invalid_client", "client_id in the body does not match the Authorization header");
    }
    return { ...basic, grantType, scopes, form };
  }
  if (!bodyClientId) throw new OAuthError("invalid_client", "client_id is required");
  return { clientId: bodyClientId, clientSecret: bodySecret, grantType, scopes, form };
}
