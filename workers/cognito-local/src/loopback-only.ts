/**
 * cognito-local hands out tokens to anyone who knows a dev secret and lets anyone
 * rotate its keys: it must never be reachable from elsewhere.
 *
 * - {@link loopbackOnly} refuses any request whose Host is not a loopback address.
 *   "Loopback" is exact: an IPv4 literal in 127.0.0.0/8, `localhost`, or `[::1]`.
 *   A name that merely starts with `127.` (`127.attacker.example`) is a DNS name an
 *   attacker controls, and accepting it would let a DNS-rebinding page through.
 * - {@link devCallersOnly} guards the `/_dev` routes: a request is served when its
 *   `Origin` is a loopback origin, or when it has no `Origin` and says it is a dev tool
 *   with `X-Cognito-Local-Dev: 1`. A page of another origin cannot pass: its `Origin` is
 *   foreign, and a request it makes without `Origin` (an image, a form, a no-cors fetch)
 *   cannot carry a custom header, which needs a CORS preflight that cognito-local never
 *   grants. So a web page cannot rotate or drop the keys, add a client secret or change
 *   tokens. The token endpoint is not guarded: it answers CORS as Cognito does.
 * @module
 */
import { isLoopbackHost } from "edge-cc-auth";
import type { MiddlewareHandler } from "hono";

/** True for an `Origin` header value that is an http(s) origin on this machine. */
function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" and garbage are foreign
  }
  return (url.protocol === "http:" || url.protocol === "https:") && url.origin === origin && isLoopbackHost(url.hostname);
}

const forbidden = (description: string) => Response.json({ error: "forbidden", error_description: description }, { status: 403 });

export function loopbackOnly(): MiddlewareHandler {
  return async function loopbackOnly(c, next) {
    if (!isLoopbackHost(new URL(c.req.url).hostname)) {
      return forbidden("cognito-local answers on loopback hosts only");
    }
    await next();
  };
}

/** The header a non-browser caller of `/_dev` (tests, scripts) sends, with the value `1`. */
const DEV_CALLER_HEADER = "X-Cognito-Local-Dev";

export function devCallersOnly(): MiddlewareHandler {
  return async function devCallersOnly(c, next) {
    const origin = c.req.header("Origin");
    if (origin !== undefined) {
      if (!isLoopbackOrigin(origin)) return forbidden("the /_dev routes refuse requests from web pages of other origins");
    } else if (c.req.header(DEV_CALLER_HEADER) !== "1") {
      return forbidden(`the /_dev routes need a loopback Origin or the header ${DEV_CALLER_HEADER}: 1`);
    }
    await next();
  };
}
