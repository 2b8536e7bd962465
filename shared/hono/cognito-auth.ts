/**
 * The 0.3 name of {@link accessTokenAuth}, kept for the tests that still import it
 * by path; not exported from `edge-cc-auth/hono`. Removed once nothing imports it.
 * @module
 */
import { accessTokenAuth } from "./access-token-auth.ts";

/** @deprecated Use `accessTokenAuth`: it sets `c.var.accessToken`. */
export const cognitoAuth = accessTokenAuth;
