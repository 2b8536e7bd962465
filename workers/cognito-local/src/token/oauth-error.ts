/**
 * Token endpoint errors, shaped as Amazon Cognito answers them: HTTP 400 with
 * `{"error": "<code>"}` (RFC 6749 section 5.2). cognito-local adds an
 * `error_description` that says what was wrong; it never repeats a secret.
 * @module
 */

export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope";

export class OAuthError extends Error {
  override name = this.constructor.name;

  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly status: 400 | 405 = 400,
  ) {
    super(`${code}: ${description}`);
  }

  toResponse(extraHeaders: Record<string, string> = {}): Response {
    return Response.json(
      { error: this.code, error_description: this.description },
      { status: this.status, headers: { "Cache-Control": "no-store", ...extraHeaders } },
    );
  }
}
