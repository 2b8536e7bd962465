/**
 * Token endpoint errors, shaped as Amazon Cognito answers them: HTTP 400,
 * `Content-Type: application/json;charset=UTF-8`, and a body of `{"error":"<code>"}`
 * only ("a general map of the response body",
 * https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html).
 * The `description` says what was wrong; it goes to cognito-local's log, never to
 * the client, and never holds a secret.
 *
 * A request that is not a form POST gets 405 with an empty body instead
 * (`status: 405`): see read-token-request.ts.
 * @module
 */

export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope";

/** The Content-Type of Cognito's token endpoint error answers, as its documentation writes it. */
const ERROR_CONTENT_TYPE = "application/json;charset=UTF-8";

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
    if (this.status === 405) {
      return new Response(null, { status: 405, headers: { "Cache-Control": "no-store", ...extraHeaders } });
    }
    return new Response(JSON.stringify({ error: this.code }), {
      status: this.status,
      headers: { "Content-Type": ERROR_CONTENT_TYPE, "Cache-Control": "no-store", ...extraHeaders },
    });
  }
}
