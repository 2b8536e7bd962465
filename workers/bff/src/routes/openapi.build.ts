/**
 * MyBFF's OpenAPI document, built from the route definitions (routes/weather-forecast.ts,
 * `@hono/zod-openapi`) by `node scripts/generate-openapi.mjs`, at build time only: the
 * worker serves the generated file and builds no schema (startup, bench/RESULTS.md §4).
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { weatherForecastRoute } from "./weather-forecast";

export function openApiDocument() {
  const app = new OpenAPIHono();
  // The handler is never called: only the route's declaration goes into the document.
  app.openapi(weatherForecastRoute, () => {
    throw new Error("not served");
  });
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "MyBFF", version: "1.0.0", description: "The backend-for-frontend of the reference post." },
  });
}
