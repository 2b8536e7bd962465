/**
 * MyService: `GET /weatherforecast` for callers holding an access token from the
 * user pool. (Foundation version: any valid token of the pool is accepted; the
 * shared verifier with client, scope and RFC 6750 answers replaces this.)
 * @module
 */
import { Hono } from "hono";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { weatherForecast } from "./weather-forecast";

const app = new Hono<{ Bindings: Env }>();

let jwks: ReturnType<typeof createRemoteJWKSet> | null = null;

app.get("/weatherforecast", async (c) => {
  const issuer = c.env.COGNITO_ISSUER;
  if (!issuer) return c.json({ title: "service misconfigured" }, 500);
  jwks ??= createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  const match = /^bearer +(\S+)$/i.exec(c.req.header("Authorization") ?? "");
  if (!match) return c.body(null, 401, { "WWW-Authenticate": "Bearer" });
  try {
    const { payload } = await jwtVerify(match[1]!, jwks, { issuer, algorithms: ["RS256"] });
    if (payload.token_use !== "access") throw new Error("not an access token");
  } catch {
    return c.body(null, 401, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
  }
  return c.json(weatherForecast());
});

export default app;
