/**
 * MyBFF's `GET /weatherforecast`: the front end's view of MyService's forecast, declared
 * once for the OpenAPI document (routes/openapi.build.ts, at build time only). The
 * worker checks MyService's answer against the same record by hand (my-service-client.ts).
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { problemResponse } from "edge-cc-auth/openapi";

/** What the BFF returns: the post's record type has no `temperatureF`. */
const bffForecastSchema = z
  .object({
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .openapi({ example: "2024-02-10" }),
    temperatureC: z.number().int().openapi({ example: 23 }),
    summary: z.string().openapi({ example: "Mild" }),
  })
  .openapi("WeatherForecast");

export const weatherForecastRoute = createRoute({
  method: "get",
  path: "/weatherforecast",
  operationId: "GetWeatherForecast",
  summary: "Five days of weather, from MyService",
  description: "MyBFF gets a client-credentials token from Cognito (cached in KV for every isolate) and calls MyService with it.",
  responses: {
    200: {
      description: "The forecast for the next five days. Never stored by a shared cache (`Cache-Control: no-store`).",
      headers: z.object({ "Cache-Control": z.literal("no-store") }),
      content: { "application/json": { schema: z.array(bffForecastSchema).length(5) } },
    },
    500: problemResponse(
      "MyBFF is misconfigured: a setting, or Cognito refuses its client (`invalid_client`, `unauthorized_client`, `invalid_scope`).",
    ),
    502: problemResponse("MyService failed, answered something unusable or a redirect, or refuses the tokens Cognito issues to MyBFF."),
    503: problemResponse(
      "No access token can be had from Cognito right now; retry after `Retry-After` (the time left in MyBFF's back-off).",
    ),
    504: problemResponse("MyService did not answer in time."),
  },
});
