/**
 * Operations the real Cognito does not have, for tests and demos:
 *   POST /_dev/keys/rotate[?dropPrevious=true]  new signing key; old ones kept for a grace period or dropped
 *   GET  /_dev/stats                            tokens issued per client, rejections per error, JWKS downloads
 *   POST /_dev/stats/reset                      counters back to zero
 *   GET  /_dev/pool                             the pool's derived ids, issuer and scopes (no secrets)
 * @module
 */
import { Hono } from "hono";
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
  .get("/pool", (c) => {
    const { pool } = c.var.local;
    return c.json({
      poolId: pool.poolId,
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
