/**
 * MyService with one more route for the benchmark: the weather handler without
 * authorization, at /bench/weatherforecast-unauthenticated, left out of the OpenAPI
 * document (which is generated from MyService's routes alone). Only `npm run bench`
 * builds this worker.
 * @module
 */
import { app } from "../../../workers/service/src/app";
import { weatherForecast } from "../../../workers/service/src/weather-forecast";

app.get("/bench/weatherforecast-unauthenticated", (c) => c.json(weatherForecast(), 200));

export default app;
