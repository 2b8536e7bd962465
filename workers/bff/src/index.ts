/**
 * MyBFF: `GET /weatherforecast` calls MyService with a client-credentials token.
 * (Foundation version: one token request per call; the shared token cache in KV
 * replaces this.)
 * @module
 */
import { Hono } from "hono";

type BffBindings = Cloudflare.BffEnv & { AUTH_SERVER_MYBFF_CLIENT_SECRET: string };

const app = new Hono<{ Bindings: BffBindings }>();

async function fetchAccessToken(env: BffBindings): Promise<string> {
  const response = await fetch(env.AUTH_SERVER_TOKEN_ENDPOINT_URL, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `Basic ${btoa(`${env.AUTH_SERVER_MYBFF_CLIENT_ID}:${env.AUTH_SERVER_MYBFF_CLIENT_SECRET}`)}`,
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: env.TOKEN_SCOPES }),
  });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  const body = await response.json<{ access_token: string }>();
  return body.access_token;
}

app.get("/weatherforecast", async (c) => {
  const token = await fetchAccessToken(c.env);
  const request = new Request(new URL("/weatherforecast", c.env.MY_SERVICE_URL), {
    headers: { Authorization: `Bearer ${token}` },
  });
  const response = c.env.MY_SERVICE ? await c.env.MY_SERVICE.fetch(request) : await fetch(request);
  if (!response.ok) return c.json({ title: "MyService failed" }, 502);
  const records = await response.json<Array<{ date: string; temperatureC: number; summary: string }>>();
  return c.json(records.map(({ date, temperatureC, summary }) => ({ date, temperatureC, summary })));
});

app.onError((_error, c) => c.json({ title: "internal error" }, 500));

export default app;
