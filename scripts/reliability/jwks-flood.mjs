// The JWKS flood, measured in workerd in real time: one isolate verifies a stream of
// tokens with random kids (1,000 in 60 s) while the issuer rotates in a genuine key
// partway through. Prints the JWKS fetches the flood cost and the time from the new
// key's publication to its first accepted token. The flood itself is
// test/shared/jwks/jwks-flood.ts (the same code the `shared` tests run on a fake
// clock), bundled with esbuild and run in Miniflare; the JWKS is served in-isolate by
// the independent test issuer, which counts the fetches.
// Usage: node scripts/reliability/jwks-flood.mjs [--duration-ms 60000] [--kids 1000] [--rotate-at-ms 32517]
// Or: import { measureJwksFlood } from "./jwks-flood.mjs" and await it.
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { WORKERS_RUNTIME } from "../dev-settings.mjs";
import { ROOT } from "../local-stack.mjs";

const WORKER = `
import { runJwksFlood } from "./test/shared/jwks/jwks-flood.ts";
export default {
  async fetch(request) {
    const q = new URL(request.url).searchParams;
    const sleepUntil = (time) => new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())));
    const result = await runJwksFlood({
      now: () => Date.now(),
      sleepUntil,
      durationMs: Number(q.get("durationMs")),
      forgedKids: Number(q.get("kids")),
      rotateAtMs: Number(q.get("rotateAtMs")),
    });
    return Response.json(result);
  },
};
`;

/**
 * Runs one flood in workerd and resolves with its figures:
 * { durationMs, forgedRequests, jwksFetches, rotationPickupMs, genuineRefused, forgedCodes }.
 */
export async function measureJwksFlood({ durationMs = 60_000, kids = 1_000, rotateAtMs = 32_517 } = {}) {
  const bundle = await build({
    stdin: { contents: WORKER, resolveDir: ROOT, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    write: false,
    logLevel: "error",
  });
  const mf = new Miniflare({ modules: true, script: bundle.outputFiles[0].text, ...WORKERS_RUNTIME });
  try {
    const query = new URLSearchParams({ durationMs: String(durationMs), kids: String(kids), rotateAtMs: String(rotateAtMs) });
    const response = await mf.dispatchFetch(`http://flood/?${query}`);
    if (!response.ok) throw new Error(`the flood worker answered ${response.status}: ${await response.text()}`);
    return await response.json();
  } finally {
    await mf.dispose();
  }
}

if (process.argv[1] === import.meta.filename) {
  const { values } = parseArgs({
    options: { "duration-ms": { type: "string" }, kids: { type: "string" }, "rotate-at-ms": { type: "string" } },
  });
  const options = {
    durationMs: Number(values["duration-ms"] ?? 60_000),
    kids: Number(values.kids ?? 1_000),
    rotateAtMs: Number(values["rotate-at-ms"] ?? 32_517),
  };
  console.error(
    `flooding one workerd isolate with ${options.kids} random kids over ${options.durationMs / 1000} s; key rotated in at ${options.rotateAtMs} ms ...`,
  );
  const result = await measureJwksFlood(options);
  const perMinute = (result.jwksFetches * 60_000) / result.durationMs;
  console.log(
    `JWKS fetches during the flood: ${result.jwksFetches} in ${result.durationMs / 1000} s (${perMinute.toFixed(1)} per minute per isolate)`,
  );
  console.log(
    result.rotationPickupMs === null
      ? "rotated key: never accepted during the flood"
      : `rotated key accepted ${result.rotationPickupMs} ms after it was published (${result.genuineRefused} of its tokens refused before)`,
  );
  console.log(JSON.stringify({ event: "jwks_flood", clock: "workerd", ...options, ...result }));
}
