/**
 * MyBFF: `GET /weatherforecast` calls MyService with a client-credentials token
 * that every isolate shares through Workers KV; `GET /openapi.json`; `GET /docs`.
 * @module
 */
import { app } from "./app";

export default app;
