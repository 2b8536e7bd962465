// `npm run reliability` bundles the tests' local network for Node (token-storm.mjs);
// the bundle must load, with the scripts it imports found where they are.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadHarness } from "../../scripts/reliability/token-storm.mjs";

const ROOT = join(import.meta.dirname, "..", "..");

describe("the reliability run's harness", () => {
  it("bundles and loads the local network", async () => {
    const harness = await loadHarness(join(ROOT, ".build", "harness-check"));
    expect(typeof harness.startLocalNetwork).toBe("function");
  });
});
