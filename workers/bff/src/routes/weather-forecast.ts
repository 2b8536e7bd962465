/**
 * MyBFF's `GET /weatherforecast`: the front end's view of MyService's forecast.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { problemResponse } from "edge-cc-auth/openapi";
import { bffForecastSchema } from "../my-service-client";

export const weatherForecastRoute = createRoute({
  method: "get",
  path: "/weatherforecast",
  operationId: "GetWeatherForecast",
  summary: "Five days of weather, from MyService",
  description: "MyBFF gets a client-credentials token from Cognito (cached in KV for every isolate) and calls MyService with it.",
  responses: {
    200: {
      description: "The forecast for the next five days.",
      content: { "application/json": { schema: z.array(bffForecastSchema).length(5) } },
    },
    502: problemResponse("MyService failed or answered something unusable."),
    503: problemResponse("No access token can be had from Cognito right now; retry after `Retry-After`."),
    504: problemResponse("MyService did not answer in time."),
  },
});
