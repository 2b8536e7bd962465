// A Worker of someone who installed edge-cc-auth from its tarball: it uses every entry
// point by its published name, as the package README shows them.
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { CognitoAccessTokenVerifier, type KeyValueStore, TokenRejectedError } from "edge-cc-auth";
import { ClientCredentialsTokenCache } from "edge-cc-auth/client-credentials";
import { accessTokenAuth } from "edge-cc-auth/hono";
import { securedRoute } from "edge-cc-auth/openapi";

interface Env {
  ISSUER: string;
  TOKEN_ENDPOINT: string;
  CLIENT_ID: string;
  CLIENT_SECRET: string;
  TOKENS: KeyValueStore; // a Workers KV namespace binding
}

let verifier: CognitoAccessTokenVerifier | undefined;
let tokens: ClientCredentialsTokenCache | undefined;

const app = new OpenAPIHono<{ Bindings: Env }>();
const verifierOf = (env: Env) => (verifier ??= new CognitoAccessTokenVerifier({ issuer: env.ISSUER, clientIds: [env.CLIENT_ID] }));
const tokensOf = (env: Env) =>
  (tokens ??= new ClientCredentialsTokenCache({
    tokenEndpoint: env.TOKEN_ENDPOINT,
    clientId: env.CLIENT_ID,
    clientSecret: env.CLIENT_SECRET,
    scopes: ["MyService/weather_read"],
    kv: env.TOKENS,
  }));

// edge-cc-auth/hono: the middleware.
app.get("/hono", accessTokenAuth({ verifier: (c) => verifierOf(c.env as Env), requiredScopes: [["MyService/weather_read"]] }), (c) =>
  c.json({ client: c.var.accessToken.client_id }),
);

// edge-cc-auth/openapi: the route's declared security is what is enforced.
const route = createRoute({
  method: "get",
  path: "/openapi-route",
  security: [{ cognito: ["MyService/weather_read"] }],
  responses: { 200: { description: "ok" } },
});
app.openapi(securedRoute(route, { verifier: (c) => verifierOf(c.env as Env) }), (c) => c.json({ scopes: [...c.var.accessToken.scopes] }));

// edge-cc-auth/client-credentials, then edge-cc-auth by hand: a token from the token
// endpoint through the cache, verified, then sent to this Worker's own protected routes.
app.get("/", async (c) => {
  const token = await tokensOf(c.env).getToken({ waitUntil: (p) => c.executionCtx.waitUntil(p) });
  const verified = await verifierOf(c.env).verify(token);
  const auth = { headers: { Authorization: `Bearer ${token}` } };
  const hono = await app.request("/hono", auth, c.env, c.executionCtx);
  const openapi = await app.request("/openapi-route", auth, c.env, c.executionCtx);
  let forged = "accepted";
  try {
    await verifierOf(c.env).verify(`${token.slice(0, -4)}AAAA`);
  } catch (error) {
    forged = error instanceof TokenRejectedError ? error.code : "other error";
  }
  return c.json({
    tokenUse: verified.token_use,
    clientId: verified.client_id,
    hono: { status: hono.status, body: await hono.json() },
    openapi: { status: openapi.status, body: await openapi.json() },
    withoutToken: (await app.request("/hono", {}, c.env, c.executionCtx)).status,
    forged,
  });
});

export default app;
