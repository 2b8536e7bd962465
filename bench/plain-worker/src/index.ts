/**
 * What the startup of MyService and MyBFF is compared with: a plain hono + jose Worker
 * serving the same `GET /weatherforecast` (a Cognito access token with the scope
 * `MyService/weather_read`, the same forecast), with no OpenAPI and no settings check.
 * @module
 */
import { Hono } from "hono";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { weatherForecast } from "../../../workers/service/src/weather-forecast";

type Bindings = { COGNITO_ISSUER: string; COGNITO_ALLOWED_CLIENT_IDS: string };

let keys: ReturnType<typeof createRemoteJWKSet> | undefined;

const app = new Hono<{ Bindings: Bindings }>();

app.get("/weatherforecast", async (c) => {
  const token = /^Bearer (\S+)$/.exec(c.req.header("Authorization") ?? "")?.[1];
  if (!token) return c.json({ error: "unauthorized" }, 401);
  keys ??= createRemoteJWKSet(new URL(`${c.env.COGNITO_ISSUER}/.well-known/jwks.json`));
  try {
    const { payload } = await jwtVerify(token, keys, { issuer: c.env.COGNITO_ISSUER });
    const scopes = typeof payload.scope === "string" ? payload.scope.split(" ") : [];
    if (payload.token_use !== "access" || payload.client_id !== c.env.COGNITO_ALLOWED_CLIENT_IDS)
      return c.json({ error: "unauthorized" }, 401);
    if (!scopes.includes("MyService/weather_read")) return c.json({ error: "forbidden" }, 403);
  } catch {
    return c.json({ error: "unauthorized" }, 401);
  }
  return c.json(weatherForecast());
});

export default app;
