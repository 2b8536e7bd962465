/**
 * RFC 9457 problem details: every error answer of the workers is
 * `application/problem+json` with a stable `code`, and never a stack trace.
 * @module
 */

export interface ProblemOptions {
  status: number;
  title: string;
  detail: string;
  /** Stable machine-readable code, an extension member of the problem. */
  code: string;
  headers?: Record<string, string>;
}

/** An RFC 9457 problem response. */
export function problem({ status, title, detail, code, headers = {} }: ProblemOptions): Response {
  return new Response(JSON.stringify({ type: "about:blank", title, status, detail, code }), {
    status,
    headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store", ...headers },
  });
}

