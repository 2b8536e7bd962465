/**
 * MyService's OpenAPI document, built from the route definitions (routes/weather-forecast.ts,
 * `@hono/zod-openapi`) by `node scripts/generate-openapi.mjs`, at build time only: the
 * worker serves the generated file and builds no schema (startup, bench/RESULTS.md §4).
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { COGNITO_SECURITY_SCHEME, cognitoSecurityScheme } from "edge-cc-auth/openapi";
import { WEATHER_READ_SCOPE, weatherForecastRoute } from "./weather-forecast";

/**
 * The token URL comes from the settings (COGNITO_TOKEN_URL): the document carries this
 * placeholder, which routes/openapi.ts replaces when it serves the document.
 */
const TOKEN_URL_PLACEHOLDER = "https://token-url.invalid/oauth2/token";

export function openApiDocument() {
  const app = new OpenAPIHono();
  // The handler is never called: only the route's declaration goes into the document.
  app.openapi(weatherForecastRoute, () => {
    throw new Error("not served");
  });
  app.openAPIRegistry.registerComponent(
    "securitySchemes",
    COGNITO_SECURITY_SCHEME,
    cognitoSecurityScheme(TOKEN_URL_PLACEHOLDER, { [WEATHER_READ_SCOPE]: "Read the weather forecast" }),
  );
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "MyService", version: "1.0.0", description: "The weather API of the reference post, behind Cognito access tokens." },
  });
}
