/**
 * Answers that depend on the caller's token must never come out of a shared cache:
 * a cache rule in front of the worker (or a proxy on the way) would otherwise
 * serve one caller's forecast to the next caller, token or not. Every answer of a
 * protected route, the 200 and the 401/403 alike, carries `Cache-Control: no-store`
 * and `Vary: Authorization` (RFC 9111 §5.2.2.5 and §4.1).
 * @module
 */
import type { MiddlewareHandler } from "hono";

/**
 * Marks every answer of the routes it is mounted on as private to its caller.
 * @example
 * ```ts
 * app.use("/weatherforecast", privateAnswers()); // before the route
 * ```
 */
export function privateAnswers(): MiddlewareHandler {
  return async function privateAnswersMiddleware(c, next) {
    await next();
    c.res.headers.set("Cache-Control", "no-store");
    const vary = c.res.headers.get("Vary");
    if (!vary?.split(",").some((name) => name.trim().toLowerCase() === "authorization")) {
      c.res.headers.set("Vary", vary ? `${vary}, Authorization` : "Authorization");
    }
  };
}
