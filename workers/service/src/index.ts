/**
 * MyService: `GET /weatherforecast` for callers holding a Cognito access token
 * with the scope `MyService/weather_read`; `GET /openapi.json`; `GET /docs`.
 * @module
 */
import { app } from "./app";

export default app;
