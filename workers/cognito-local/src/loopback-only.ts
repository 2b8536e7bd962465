/**
 * cognito-local hands out tokens to anyone who knows a dev secret and lets anyone
 * rotate its keys: it must never be reachable from elsewhere. This middleware
 * refuses any request whose host is not a loopback address, which also defeats
 * DNS-rebinding from a browser page.
 * @module
 */
import type { MiddlewareHandler } from "hono";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function loopbackOnly(): MiddlewareHandler {
  return async function loopbackOnly(c, next) {
    const host = new URL(c.req.url).hostname;
    if (!LOOPBACK_HOSTS.has(host) && !host.startsWith("127.")) {
      return c.json({ error: "forbidden", error_description: "cognito-local answers on loopback hosts only" }, 403);
    }
    await next();
  };
}
