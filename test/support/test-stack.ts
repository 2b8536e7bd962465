// A local stack (`wrangler dev` x3, as `npm run dev` starts them) of a test file's own:
// its ports, its state and its dev registry in a temporary folder, removed afterwards.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStack } from "../../scripts/local-stack.mjs";

export type Stack = Awaited<ReturnType<typeof startStack>>;

export async function startTestStack(ports: { cognito: number; service: number; bff: number }) {
  const stateDir = mkdtempSync(join(tmpdir(), "test-stack-"));
  const stack = await startStack({
    ports,
    persistTo: join(stateDir, "state"),
    // A dev registry of its own, so that MyBFF binds to this stack's MyService.
    env: { WRANGLER_REGISTRY_PATH: join(stateDir, "registry") },
  });
  return {
    stack,
    dispose: async () => {
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
