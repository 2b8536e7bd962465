// What `npm run configure` knows about MyBFF's secret and `npm run deploy` needs: when
// configure could not set it (not logged in to Cloudflare), it leaves a marker beside
// MyBFF's config (in its .wrangler folder, ignored by git), so that `deploy --check`,
// which needs no Cloudflare account, does not call a config "ready" whose worker has
// no secret. Setting the secret through configure, or deploy finding it with Cloudflare,
// removes the marker. The marker holds no secret.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const SECRET_NAME = "AUTH_SERVER_MYBFF_CLIENT_SECRET";
export const SECRET_COMMAND = `npx wrangler secret put ${SECRET_NAME} -c workers/bff/wrangler.toml`;

const markerOf = (bffConfig) => join(dirname(bffConfig), ".wrangler", "deploy", "mybff-secret-not-set");

/** Records that configure could not set the secret of the worker of `bffConfig`. */
export function markSecretNotSet(bffConfig) {
  const marker = markerOf(bffConfig);
  mkdirSync(dirname(marker), { recursive: true });
  writeFileSync(marker, `npm run configure could not set ${SECRET_NAME}; run: ${SECRET_COMMAND}\n`);
}

/** Records that the secret is set (configure set it, or Cloudflare lists it). */
export function markSecretSet(bffConfig) {
  rmSync(markerOf(bffConfig), { force: true });
}

/** Whether configure said it could not set the secret, and nothing has set it since. */
export function secretNotSet(bffConfig) {
  return existsSync(markerOf(bffConfig));
}
