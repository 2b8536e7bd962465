/**
 * RFC 9457 problem details: every error answer of the workers is
 * `application/problem+json` with a stable `code`, and never a stack trace.
 * @module
 */
import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { jsonLineLogger, type Logger } from "../log.ts";

/** The members of a problem answer. */
export interface ProblemOptions {
  /** The HTTP status, also the body's `status`. */
  status: number;
  /** A short summary that is the same for every occurrence (`Unauthorized`). */
  title: string;
  /** What happened this time; a fixed string, never the request's input. */
  detail: string;
  /** Stable machine-readable code, an extension member of the problem. */
  code: string;
  /** Extra response headers (`WWW-Authenticate`, `Retry-After`). */
  headers?: Record<string, string>;
}

/** An RFC 9457 problem response. */
export function problem({ status, title, detail, code, headers = {} }: ProblemOptions): Response {
  return new Response(JSON.stringify({ type: "about:blank", title, status, detail, code }), {
    status,
    headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store", ...headers },
  });
}

/** The 404 of every worker. */
export function notFoundProblem(): Response {
  return problem({ status: 404, title: "Not Found", detail: "There is nothing here.", code: "not_found" });
}

/** The options of {@link problemErrorHandler}. */
export interface ProblemErrorHandlerOptions {
  /** Where the `unhandled_error` event goes. Default `jsonLineLogger()`. */
  logger?: Logger;
}

function answer(error: Error, logger: Logger): Response {
  if (error instanceof HTTPException) return error.getResponse();
  logger("error", "unhandled_error", { name: error.name, code: (error as { code?: string }).code });
  return problem({ status: 500, title: "Internal Server Error", detail: "Something went wrong.", code: "internal_error" });
}

/**
 * The `onError` of every worker: an `HTTPException` carries its own answer; anything
 * else is logged by name and code (never its message, which might hold input) and
 * answered with a bare 500 problem.
 * @example
 * app.onError(problemErrorHandler({ logger: jsonLineLogger("warn") }));
 */
export function problemErrorHandler(options: ProblemErrorHandlerOptions = {}): ErrorHandler {
  const logger = options.logger ?? jsonLineLogger();
  return (error) => answer(error, logger);
}
