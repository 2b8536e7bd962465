/**
 * MyBFF's application: `GET /weatherforecast` through MyService with a Cognito
 * token, its OpenAPI document and docs page. Failures are clean problems: never a
 * 500 with details, never a token or the secret in an answer or a log line. A plain
 * Hono app: the route's contract is declared with `@hono/zod-openapi`
 * (routes/weather-forecast.ts), but its document is generated at build time
 * (routes/openapi.ts), so that no zod schema is built when an isolate starts.
 * @module
 */
import { TokenRequestError } from "edge-cc-auth";
import { isConfigurationRejection } from "edge-cc-auth/client-credentials";
import { misconfigured, notFoundProblem, problem, problemErrorHandler, waitUntilOf } from "edge-cc-auth/hono";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { workerLogger } from "./config";
import { fetchWeatherForecast, type UpstreamFailure } from "./my-service-client";
import { openApiJson } from "./routes/openapi";
import { type BffRuntime, bffRuntime } from "./runtime";

export const app = new Hono<{ Bindings: Env }>();

const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** The Cloudflare location serving the request (`cf.colo`); absent locally. It spreads renewals between locations. */
function locationOf(request: Request): string | undefined {
  const colo = (request as Request & { cf?: { colo?: unknown } }).cf?.colo;
  return typeof colo === "string" && colo !== "" ? colo : undefined;
}

/** Ends the request with a problem answer (handled by onError, as hono does). */
function fail(status: 502 | 503 | 504 | 500, res: Response): never {
  throw new HTTPException(status, { res });
}

const badGateway = () => problem({ status: 502, title: "Bad Gateway", detail: "The weather service failed.", code: "upstream_failed" });

/**
 * No token: Cognito refused the client itself (500, nothing to retry), MyService
 * refuses the tokens Cognito issues (502, while the token cache backs off), or
 * Cognito is failing (503, `Retry-After` = the seconds left in the back-off). The
 * token cache logs each of these once per back-off, not once per request.
 */
function tokenUnavailable(error: TokenRequestError): never {
  if (isConfigurationRejection(error)) fail(500, misconfigured());
  if (error.code === "FRESH_TOKEN_REFUSED") fail(502, badGateway());
  const retryAfter = Math.max(1, error.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS);
  return fail(
    503,
    problem({
      status: 503,
      title: "Service Unavailable",
      detail: "The weather service cannot be reached right now.",
      code: "token_unavailable",
      headers: { "Retry-After": String(retryAfter) },
    }),
  );
}

function upstreamFailed(failure: UpstreamFailure, runtime: BffRuntime): never {
  const { logger, scopeRefusal } = runtime;
  if (failure.kind === "insufficient_scope") {
    // A configuration problem (./scope-refusal.ts): logged once per back-off period.
    if (scopeRefusal.refused()) {
      logger("error", "my_service_forbidden", {
        reason: "MyService refused the token's scopes: check TOKEN_SCOPES and the app client's AllowedOAuthScopes",
      });
    }
    fail(500, misconfigured());
  }
  if (failure.kind === "status" && failure.status >= 300 && failure.status < 400) {
    logger("error", "my_service_failed", {
      kind: failure.kind,
      status: failure.status,
      reason: "MyService answered a redirect, which is not followed: check MY_SERVICE_URL",
    });
  } else {
    logger("error", "my_service_failed", { kind: failure.kind, status: failure.kind === "status" ? failure.status : undefined });
  }
  if (failure.kind === "timeout") {
    fail(
      504,
      problem({ status: 504, title: "Gateway Timeout", detail: "The weather service did not answer in time.", code: "upstream_timeout" }),
    );
  }
  fail(502, badGateway());
}

app.get("/weatherforecast", async (c) => {
  let runtime: BffRuntime;
  try {
    runtime = bffRuntime(c.env);
  } catch (error) {
    workerLogger(c.env)("error", "bff_misconfigured", { reason: (error as Error).message });
    fail(500, misconfigured());
  }
  const { config, tokens } = runtime;
  // MyService refused the token's scopes within the back-off period: nothing to ask it.
  if (runtime.scopeRefusal.active()) fail(500, misconfigured());
  const target = { binding: c.env.MY_SERVICE, baseUrl: config.myServiceUrl, timeoutMs: config.myServiceTimeoutMs };
  try {
    const result = await fetchWeatherForecast(target, tokens, { waitUntil: waitUntilOf(c), location: locationOf(c.req.raw) });
    if (!result.ok) upstreamFailed(result, runtime);
    // The forecast was obtained with MyBFF's credentials: no shared cache may keep it.
    return c.json(result.forecast, 200, { "Cache-Control": "no-store" });
  } catch (error) {
    if (error instanceof TokenRequestError) tokenUnavailable(error);
    throw error;
  }
});

app.get("/openapi.json", (c) => c.body(openApiJson(), 200, { "Content-Type": "application/json" }));

app.notFound(notFoundProblem);
// At LOG_LEVEL (workerLogger: also when the other settings are wrong).
app.onError((error, c) => problemErrorHandler({ logger: workerLogger(c.env) })(error, c));
