/**
 * cognito-local: a stand-in for the Amazon Cognito user pool described by
 * infra/cognito.yaml, for development and tests only. It serves the token endpoint,
 * the user pools API operation GetClientToken (`POST /`) and the pool's well-known
 * documents as Cognito lays them out, on loopback only.
 * @module
 */
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { AWS_JSON_CONTENT_TYPE, AwsJsonError } from "./api/aws-json-error";
import { GET_CLIENT_TOKEN_TARGET, handleGetClientToken } from "./api/get-client-token";
import { devRoutes } from "./dev/dev-routes";
import { type LocalPool, localPool } from "./local-pool";
import { devCallersOnly, loopbackOnly } from "./loopback-only";
import { readPoolSettings } from "./pool";
import { OAuthError } from "./token/oauth-error";
import { handleTokenRequest } from "./token/token-endpoint";
import { TOKEN_ENDPOINT_CORS_HEADERS, tokenEndpointPreflight } from "./token/token-endpoint-cors";
import { openIdConfiguration } from "./well-known";

// At startup, not on the first request: a template CloudFormation would refuse (or a
// bad setting) stops the worker here, and wrangler dev prints the message, which names
// the resource and the property.
readPoolSettings(env as unknown as Record<string, unknown>);

type AppEnv = { Bindings: Env; Variables: { local: LocalPool } };

const app = new Hono<AppEnv>();

app.use(loopbackOnly());

app.use(async (c, next) => {
  c.set("local", await localPool(c.env));
  await next();
});

app.post("/oauth2/token", async (c) => {
  const { pool, keys, stats, now } = c.var.local;
  try {
    const { body, clientId } = await handleTokenRequest(c.req.raw, pool, keys, now());
    stats.recordIssued(clientId);
    return c.json(body, 200, { "Cache-Control": "no-store", Pragma: "no-cache", ...TOKEN_ENDPOINT_CORS_HEADERS });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    stats.recordRejected(error.code);
    console.log(JSON.stringify({ level: "info", event: "token_request_rejected", error: error.code, reason: error.description }));
    return error.toResponse(TOKEN_ENDPOINT_CORS_HEADERS);
  }
});

app.options("/oauth2/token", (c) => tokenEndpointPreflight(c.req.header("Access-Control-Request-Headers")));

// "The /oauth2/token endpoint only supports HTTPS POST."
app.all("/oauth2/token", () =>
  new OAuthError("invalid_request", "the token endpoint accepts POST only", 405).toResponse({
    Allow: "POST",
    ...TOKEN_ENDPOINT_CORS_HEADERS,
  }),
);

// The user pools API (https://cognito-idp.<region>.amazonaws.com/): one operation, by X-Amz-Target.
app.post("/", async (c) => {
  const { pool, keys, stats, now } = c.var.local;
  try {
    const target = c.req.header("X-Amz-Target");
    if (target !== GET_CLIENT_TOKEN_TARGET) {
      throw new AwsJsonError("UnknownOperationException", "cognito-local implements only GetClientToken of the user pools API");
    }
    const { body, clientId } = await handleGetClientToken(c.req.raw, pool, keys, now());
    stats.recordIssued(clientId);
    return new Response(JSON.stringify(body), {
      headers: { "Content-Type": AWS_JSON_CONTENT_TYPE, "Cache-Control": "no-store", "x-amzn-RequestId": crypto.randomUUID() },
    });
  } catch (error) {
    if (!(error instanceof AwsJsonError)) throw error;
    stats.recordRejected(error.type);
    console.log(JSON.stringify({ level: "info", event: "get_client_token_rejected", error: error.type, reason: error.message }));
    return error.toResponse();
  }
});

app.get("/:poolId/.well-known/jwks.json", async (c) => {
  const { pool, keys, stats, now } = c.var.local;
  if (c.req.param("poolId") !== pool.poolId) return c.notFound();
  stats.recordJwksRequest();
  return c.json({ keys: await keys.publishedKeys(now()) });
});

app.get("/:poolId/.well-known/openid-configuration", (c) => {
  const { pool } = c.var.local;
  if (c.req.param("poolId") !== pool.poolId) return c.notFound();
  return c.json(openIdConfiguration(pool.issuer));
});

app.use("/_dev/*", devCallersOnly());
app.route("/_dev", devRoutes);

app.notFound((c) => c.json({ error: "not_found" }, 404));

app.onError((error, c) => {
  const code = (error as { code?: unknown }).code;
  console.error(JSON.stringify({ level: "error", event: "cognito_local_error", code, message: error.message }));
  // Dev-only worker: the configuration message helps and holds no secret.
  const description = code === "CONFIG_INVALID" || code === "TEMPLATE_INVALID" ? error.message : "internal error";
  return c.json({ error: "server_error", error_description: `cognito-local: ${description}` }, 500);
});

export default app;
