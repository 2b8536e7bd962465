/**
 * MyBFF: `GET /weatherforecast` calls MyService with a client-credentials token
 * that every isolate shares through Workers KV (and, with a `TOKEN_COORDINATOR`
 * binding, gets from one Durable Object); `GET /openapi.json`; `GET /docs`.
 *
 * The application (app.ts) is wrapped, not edited: the security headers apply to
 * every answer the worker makes, and the rate limit runs before the forecast
 * route. The app keeps its own 404 and error handling, since it answers every
 * request the wrapper passes on.
 * @module
 */
import { env } from "cloudflare:workers";
import { setLogLevel } from "edge-cc-auth";
import { Hono } from "hono";
import { app } from "./app";
import { announceRateLimit, rateLimit } from "./rate-limit";
import { securityHeaders } from "./security-headers";

// The Durable Object class of the opt-in token coordinator (workers/bff/wrangler.toml).
export { TokenCoordinator } from "./token-coordinator";

// Once per isolate, at startup: a missing limit is worth a line in the logs, at the
// worker's LOG_LEVEL (the runtime sets it again on first use, for the app alone).
// LOG_LEVEL is optional, so it is not in the generated Env.
setLogLevel("LOG_LEVEL" in env ? env.LOG_LEVEL : undefined);
announceRateLimit(env);

const worker = new Hono<{ Bindings: Env }>();
worker.use(securityHeaders());
worker.use("/weatherforecast", rateLimit());
worker.all("*", (c) => app.fetch(c.req.raw, c.env, c.executionCtx));

export default worker;
