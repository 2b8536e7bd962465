/**
 * MyService with one more route for the benchmark: the weather handler without
 * authorization, at /bench/weatherforecast-unauthenticated, left out of the OpenAPI
 * document. Only `npm run bench` builds this worker.
 * @module
 */
import { app } from "../../../workers/service/src/app";
import { weatherForecastRoute } from "../../../workers/service/src/routes/weather-forecast";
import { weatherForecast } from "../../../workers/service/src/weather-forecast";

app.openapi({ ...weatherForecastRoute, path: "/bench/weatherforecast-unauthenticated", security: [], hide: true }, (c) =>
  c.json(weatherForecast(), 200),
);

export default app;
