// Runs once before every test project: builds the workers that tests start from a
// bundle (cognito-local for Miniflare and as the pool's auxiliary worker).
import { buildWorker } from "../scripts/build-workers.mjs";

export default function setup(): void {
  buildWorker("cognito-local");
}
