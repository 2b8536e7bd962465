// Runs once before every test project: bundles the workers that tests start from a
// bundle (Miniflare and the pool's auxiliary workers run pre-built JS), exactly as
// `wrangler deploy` would.
import { buildWorker } from "../scripts/build-workers.mjs";

export default function setup(): void {
  for (const worker of ["cognito-local", "service", "bff", "bench"]) buildWorker(worker);
}
