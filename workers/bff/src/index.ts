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
import { Hono } from "hono";
import { securityHeaders } from "#kit/security-headers.ts";
import { app } from "./app";
import { workerLogger } from "./config";
import { announceRateLimit, rateLimit } from "./rate-limit";

// The Durable Object class of the opt-in token coordinator (workers/bff/wrangler.toml).
export { TokenCoordinator } from "./token-coordinator";

// Once per isolate, at startup: a missing limit is worth a line in the logs, at the
// worker's LOG_LEVEL (the app's runtime builds its own logger from the same setting).
const logger = workerLogger(env);
announceRateLimit(env, logger);

const worker = new Hono<{ Bindings: Env }>();
worker.use(securityHeaders());
worker.use("/weatherforecast", rateLimit({ logger }));
worker.all("*", (c) => app.fetch(c.req.raw, c.env, c.executionCtx));

export default worker;
