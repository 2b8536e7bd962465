/**
 * `GET /weatherforecast`, declared once: its schema, its documentation and the
 * scope it requires, which the route's middleware enforces.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { problemResponse as problem } from "edge-cc-auth/openapi";
import { SUMMARIES } from "../weather-forecast";

export const WEATHER_READ_SCOPE = "MyService/weather_read";

const weatherForecastSchema = z
  .object({
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .openapi({ example: "2024-02-10" }),
    temperatureC: z.number().int().min(-20).max(54).openapi({ example: 23 }),
    summary: z.enum(SUMMARIES),
    temperatureF: z.number().int().openapi({ example: 73 }),
  })
  .openapi("WeatherForecast");

export const weatherForecastRoute = createRoute({
  method: "get",
  path: "/weatherforecast",
  operationId: "GetWeatherForecast",
  summary: "Five days of weather",
  security: [{ cognito: [WEATHER_READ_SCOPE] }],
  responses: {
    200: {
      description: "The forecast for the next five days (UTC dates).",
      content: { "application/json": { schema: z.array(weatherForecastSchema).length(5) } },
    },
    400: problem("The Authorization header is malformed (`invalid_request`)."),
    401: problem("No access token, or an invalid one (`WWW-Authenticate: Bearer ...`)."),
    403: problem(`The token lacks the scope ${WEATHER_READ_SCOPE} (\`insufficient_scope\`).`),
    503: problem("The issuer's keys cannot be fetched; retry after `Retry-After`."),
  },
});
