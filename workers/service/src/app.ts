/**
 * MyService's application: the protected weather route, its OpenAPI document and
 * the interactive docs page.
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { logEvent } from "edge-cc-auth";
import { answerError, misconfigured, notFoundProblem } from "edge-cc-auth/hono";
import { COGNITO_SECURITY_SCHEME, cognitoSecurityScheme, securedRoute } from "edge-cc-auth/openapi";
import { privateAnswers } from "./private-answers";
import { WEATHER_READ_SCOPE, weatherForecastRoute } from "./routes/weather-forecast";
import { securityHeaders } from "./security-headers";
import { configured } from "./verifier";
import { weatherForecast } from "./weather-forecast";

export const app = new OpenAPIHono<{ Bindings: Env }>();

// Before every route: middleware registered later would not run for them.
app.use(securityHeaders());
app.use(weatherForecastRoute.path, privateAnswers());

app.openapi(securedRoute(weatherForecastRoute, { verifier: (c) => configured(c.env).verifier }), (c) => c.json(weatherForecast(), 200));

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
