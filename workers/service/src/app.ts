/**
 * MyService's application: the protected weather route, its OpenAPI document and
 * the interactive docs page.
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { misconfigured } from "../../../shared/hono/auth-responses";
import { answerError, notFoundProblem } from "../../../shared/hono/problem";
import { cognitoSecurityScheme, COGNITO_SECURITY_SCHEME, securedRoute } from "../../../shared/hono/secured-route";
import { logEvent } from "../../../shared/log";
import { configured } from "./verifier";
import { WEATHER_READ_SCOPE, weatherForecastRoute } from "./routes/weather-forecast";
import { weatherForecast } from "./weather-forecast";

export const app = new OpenAPIHono<{ Bindings: Env }>();

app.openapi(
  securedRoute(weatherForecastRoute, { verifier: (c) => configured(c.env as Env).verifier }),
  (c) => c.json(weatherForecast(), 200),
);

// The same handler with no authorization, for `npm run bench` only: it answers only
// when BENCH_UNAUTHENTICATED_ROUTE is "true" (set by the benchmark on its local
// stack, never in wrangler.toml), and is left out of the OpenAPI document.
app.openapi({ ...weatherForecastRoute, path: "/bench/weatherforecast-unauthenticated", security: [], hide: true }, (c) => {
  if ((c.env as { BENCH_UNAUTHENTICATED_ROUTE?: string }).BENCH_UNAUTHENTICATED_ROUTE !== "true") {
    throw new HTTPException(404, { res: notFoundProblem() });
  }
  return c.json(weatherForecast(), 200);
});

app.openAPIRegistry.registerComponent(
  "securitySchemes",
  COGNITO_SECURITY_SCHEME,
  // The document is built per request, but the scheme needs the token URL from the settings:
  // registered with a placeholder here, replaced in the document below.
  cognitoSecurityScheme("https://token-url.invalid/oauth2/token", { [WEATHER_READ_SCOPE]: "Read the weather forecast" }),
);

app.get("/openapi.json", (c) => {
  const document = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "MyService", version: "1.0.0", description: "The weather API of the reference post, behind Cognito access tokens." },
  });
  let tokenUrl: string;
  try {
    tokenUrl = configured(c.env).config.tokenUrl;
  } catch (error) {
    logEvent("error", "service_misconfigured", { reason: (error as Error).message });
    return misconfigured();
  }
  const scheme = document.components?.securitySchemes?.[COGNITO_SECURITY_SCHEME] as { flows: { clientCredentials: { tokenUrl: string } } };
  scheme.flows.clientCredentials.tokenUrl = tokenUrl;
  return c.json(document);
});

app.notFound(notFoundProblem);
app.onError(answerError);
