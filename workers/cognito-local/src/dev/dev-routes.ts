/**
 * Operations the real Cognito does not have, for tests and demos:
 *   POST /_dev/keys/rotate[?dropPrevious=true]  new signing key; old ones kept for a grace period or dropped
 *   GET  /_dev/stats                            tokens issued per client, rejections per error, JWKS downloads
 *   POST /_dev/stats/reset                      counters back to zero
 *   GET  /_dev/pool                             the pool's derived ids, issuer and scopes (no secrets)
 *   POST /_dev/sign                             signs what the test asks with the pool's active key: a header
 *                                               and a payload of any shape, for attack tests of verifiers
 * @module
 */
import { Hono } from "hono";
import { signCompactJws } from "../keys/sign-compact-jws";
import type { LocalPool } from "../local-pool";

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
  .get("/pool", (c) => {
    const { pool } = c.var.local;
    return c.json({
      poolId: pool.poolId,
      issuerFormat: pool.issuerFormat,
      issuer: pool.issuer,
      tokenEndpoint: `${new URL(pool.issuer).origin}/oauth2/token`,
      scopes: pool.scopes,
      clients: [...pool.clientsById.values()].map((client) => ({
        clientName: client.clientName,
        clientId: client.clientId,
        hasSecret: client.secret !== null,
        allowedScopes: client.allowedScopes,
        accessTokenValiditySeconds: client.accessTokenValiditySeconds,
      })),
    });
  });
