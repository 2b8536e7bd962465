// Runs once before every test project: bundles the workers that tests start from a
// bundle (Miniflare and the pool's auxiliary workers run pre-built JS), exactly as
// `wrangler deploy` would. Says what it does: vitest prints nothing until a file ends.
import { buildWorker } from "../scripts/build-workers.mjs";

const WORKERS = ["cognito-local", "service", "bff", "bench"];

export default function setup(): void {
  const started = Date.now();
  process.stdout.write(`Bundling ${WORKERS.join(", ")} for the tests... `);
  for (const worker of WORKERS) buildWorker(worker);
  process.stdout.write(
    `done in ${Math.round((Date.now() - started) / 1000)} s. Each test file is reported when it ends; the slowest take a minute.\n`,
  );
}
