/**
 * Operations the real Cognito does not have, for tests and demos:
 *   POST /_dev/keys/rotate[?dropPrevious=true]  new signing key; old ones kept for a grace period or dropped
 *   GET  /_dev/stats                            tokens issued per client, rejections per error, JWKS downloads
 *   POST /_dev/stats/reset                      counters back to zero
 *   GET  /_dev/pool                             the pool's derived ids, issuer and scopes (no secrets)
 *   POST /_dev/sign                             signs what the test asks with the pool's active key: a header
 *                                               and a payload of any shape, for attack tests of verifiers
 *   POST   /_dev/clients/:clientId/secrets      adds a client secret, as AddUserPoolClientSecret: body
 *                                               {"ClientSecret"?}; a third secret is refused
 *   GET    /_dev/clients/:clientId/secrets      ids and creation dates, as ListUserPoolClientSecrets
 *   DELETE /_dev/clients/:clientId/secrets/:id  deletes one, as DeleteUserPoolClientSecret; never the last
 *   PUT    /_dev/clients/:clientId/token-customization   customizes the client's access tokens as a
 *                                               pre token generation trigger (event version 3) would: the body
 *                                               is the trigger's response (token/token-customization.ts)
 *   DELETE /_dev/clients/:clientId/token-customization   back to tokens with no trigger
 * Every route needs a loopback Origin or `X-Cognito-Local-Dev: 1` (loopback-only.ts).
 * The secret routes answer as the API operations they are shaped after
 * (secrets/client-secrets.ts has the sources); their errors are AWS JSON errors, whose
 * types for a third secret (LimitExceededException) and for the last one
 * (InvalidParameterException) are not confirmed against AWS.
 * @module
 */
import { Hono } from "hono";
import { AwsJsonError } from "../api/aws-json-error";
import { signCompactJws } from "../keys/sign-compact-jws";
import type { LocalPool } from "../local-pool";
import type { PoolClient } from "../pool";
import { ClientSecretChangeError } from "../secrets/client-secrets";
import { clientAccessToken } from "../token/client-token";
import { CustomizationError, MAX_CUSTOMIZED_TOKEN_BYTES, readTokenCustomization } from "../token/token-customization";

type DevEnv = { Variables: { local: LocalPool } };

export const devRoutes = new Hono<DevEnv>()
  .post("/keys/rotate", async (c) => {
    const dropPrevious = c.req.query("dropPrevious") === "true";
    const result = await c.var.local.keys.rotate(c.var.local.now(), { dropPrevious });
    console.log(JSON.stringify({ level: "info", event: "signing_key_rotated", kid: result.kid, dropPrevious }));
    return c.json(result);
  })
  .get("/stats", (c) => c.json(c.var.local.stats.toJSON()))
  .post("/stats/reset", (c) => {
    c.var.local.stats.reset();
    return c.json(c.var.local.stats.toJSON());
  })
  .post("/sign", async (c) => {
    const body = (await c.req.json().catch(() => null)) as { header?: unknown; payload?: unknown } | null;
    if (!body || typeof body.payload !== "string" || (body.header !== undefined && typeof body.header !== "object")) {
      return c.json({ error: "invalid_request", error_description: 'expected {"payload": "<text>", "header"?: {...}}' }, 400);
    }
    const key = await c.var.local.keys.activeKey(c.var.local.now());
    const header = { kid: key.kid, alg: "RS256", ...(body.header as Record<string, unknown> | undefined) };
    return c.json({ token: await signCompactJws(JSON.stringify(header), body.payload, key.privateKey) });
  })
  .post("/clients/:clientId/secrets", async (c) => {
    const client = clientOf(c.var.local, c.req.param("clientId"));
    const body = (await c.req.json().catch(() => ({}))) as { ClientSecret?: unknown } | null;
    const given = body?.ClientSecret;
    if (given !== undefined && typeof given !== "string") throw new AwsJsonError("InvalidParameterException", "ClientSecret must be text");
    const secret = changeSecrets(() => client.secrets.add(given, c.var.local.now()));
    console.log(JSON.stringify({ level: "info", event: "client_secret_added", client: client.clientName, secretId: secret.id }));
    return c.json({
      ClientSecretDescriptor: {
        ClientSecretId: secret.id,
        // "The ClientSecretValue is only returned when Amazon Cognito generates the secret."
        ...(given === undefined ? { ClientSecretValue: secret.value } : {}),
        ClientSecretCreateDate: secret.createdAt,
      },
    });
  })
  .get("/clients/:clientId/secrets", (c) => {
    const client = clientOf(c.var.local, c.req.param("clientId"));
    return c.json({ ClientSecrets: client.secrets.list() });
  })
  .delete("/clients/:clientId/secrets/:secretId", (c) => {
    const client = clientOf(c.var.local, c.req.param("clientId"));
    changeSecrets(() => client.secrets.delete(c.req.param("secretId")));
    console.log(
      JSON.stringify({ level: "info", event: "client_secret_deleted", client: client.clientName, secretId: c.req.param("secretId") }),
    );
    // "the service sends back an HTTP 200 response with an empty HTTP body".
    return c.body(null, 200);
  })
  .put("/clients/:clientId/token-customization", async (c) => {
    const { pool, keys, now } = c.var.local;
    const client = clientOf(c.var.local, c.req.param("clientId"));
    let customization: ReturnType<typeof readTokenCustomization>;
    try {
      customization = readTokenCustomization(await c.req.json().catch(() => null));
    } catch (error) {
      if (error instanceof CustomizationError) throw new AwsJsonError("InvalidParameterException", error.message);
      throw error;
    }
    // The largest token this customization gives: the client's every scope, plus those it adds.
    const trial = await clientAccessToken(pool, { ...client, customization }, client.allowedScopes, keys, now());
    if (trial.accessToken.length > MAX_CUSTOMIZED_TOKEN_BYTES) {
      throw new AwsJsonError(
        "InvalidParameterException",
        `the customized token would be ${trial.accessToken.length} bytes, over cognito-local's ${MAX_CUSTOMIZED_TOKEN_BYTES}`,
      );
    }
    client.customization = customization;
    console.log(JSON.stringify({ level: "info", event: "token_customization_set", client: client.clientName }));
    return c.json({ clientId: client.clientId, largestTokenBytes: trial.accessToken.length });
  })
  .delete("/clients/:clientId/token-customization", (c) => {
    const client = clientOf(c.var.local, c.req.param("clientId"));
    client.customization = null;
    return c.body(null, 204);
  })
  .onError((error) => {
    if (error instanceof AwsJsonError) return error.toResponse();
    throw error;
  })
  .get("/pool", (c) => {
    const { pool } = c.var.local;
    return c.json({
      poolId: pool.poolId,
      issuerFormat: pool.issuerFormat,
      issuer: pool.issuer,
      tokenEndpoint: `${new URL(pool.issuer).origin}/oauth2/token`,
      // Where GetClientToken is answered, as https://cognito-idp.<region>.amazonaws.com/ on AWS.
      getClientTokenEndpoint: `${new URL(pool.issuer).origin}/`,
      scopes: pool.scopes,
      clients: [...pool.clientsById.values()].map((client) => ({
        clientName: client.clientName,
        clientId: client.clientId,
        hasSecret: client.secrets.size > 0,
        secretCount: client.secrets.size,
        clientTokenAuthAllowed: client.clientTokenAuthAllowed,
        allowedScopes: client.allowedScopes,
        accessTokenValiditySeconds: client.accessTokenValiditySeconds,
      })),
    });
  });

function clientOf(local: LocalPool, clientId: string): PoolClient {
  const client = local.pool.clientsById.get(clientId);
  if (!client) throw new AwsJsonError("ResourceNotFoundException", "the app client does not exist");
  return client;
}

function changeSecrets<T>(change: () => T): T {
  try {
    return change();
  } catch (error) {
    if (error instanceof ClientSecretChangeError) throw new AwsJsonError(error.type, error.message);
    throw error;
  }
}
