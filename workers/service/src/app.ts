/**
 * MyService's application: the protected weather route, its OpenAPI document and
 * the interactive docs page. A plain Hono app: the route's contract is declared with
 * `@hono/zod-openapi` (routes/weather-forecast.ts), but its document is generated at
 * build time (routes/openapi.ts), so that no zod schema is built when an isolate starts.
 * @module
 */
import { jsonLineLogger, type Logger } from "edge-cc-auth";
import { accessTokenAuth, misconfigured, notFoundProblem, problemErrorHandler } from "edge-cc-auth/hono";
import { Hono } from "hono";
import { securityHeaders } from "#kit/security-headers.ts";
import { privateAnswers } from "./private-answers";
import { declaredScopes, openApiJson } from "./routes/openapi";
import { docsSecurityHeaders } from "./security-headers";
import { type Configured, configured } from "./verifier";
import { weatherForecast } from "./weather-forecast";

export const app = new Hono<{ Bindings: Env }>();

/** For the one event logged when the settings cannot be read, so no logger was built from them. */
const startupLogger = jsonLineLogger();

/**
 * The library's middleware and error handler are built once, before any env is seen;
 * this logger hands their events to the logger built from the settings (LOG_LEVEL),
 * or to the default one while the settings have not been read.
 */
let settingsLogger: Logger = startupLogger;
const logger: Logger = (level, event, fields) => settingsLogger(level, event, fields);

/** This env's settings and verifier; from then on the library logs at their level. */
function configuredFor(env: Env): Configured {
  const service = configured(env);
  settingsLogger = service.logger;
  return service;
}

/** This env's settings and verifier, or `undefined` after logging why they cannot be built. */
function configuredOrLog(env: Env): Configured | undefined {
  try {
    return configuredFor(env);
  } catch (error) {
    startupLogger("error", "service_misconfigured", { reason: (error as Error).message });
    return undefined;
  }
}

// The static /docs files, with the page's own headers (the token endpoint's origin in
// connect-src): registered before the worker's security headers, which would replace them.
app.on(["GET", "HEAD"], ["/docs", "/docs/*"], async (c) => {
  const service = configuredOrLog(c.env);
  if (service === undefined) return misconfigured();
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  const response = new Response(asset.body, asset);
  const https = new URL(c.req.url).protocol === "https:";
  for (const [name, value] of Object.entries(docsSecurityHeaders(service.tokenOrigin, https))) response.headers.set(name, value);
  return response;
});

// Before every other route: middleware registered later would not run for them.
app.use(securityHeaders());
app.use("/weatherforecast", privateAnswers());

// The scopes are those the route declares in the OpenAPI document.
app.get(
  "/weatherforecast",
  accessTokenAuth({ verifier: (c) => configuredFor(c.env).verifier, logger, requiredScopes: declaredScopes("/weatherforecast") }),
  (c) => c.json(weatherForecast(), 200),
);

app.get("/openapi.json", (c) => {
  const service = configuredOrLog(c.env);
  if (service === undefined) return misconfigured();
  return c.body(openApiJson(service.tokenUrl), 200, { "Content-Type": "application/json" });
});

app.notFound(notFoundProblem);
app.onError(problemErrorHandler({ logger }));
