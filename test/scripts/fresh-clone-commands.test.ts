// The fresh-clone check's reading of the READMEs (scripts/ci/readme-commands.mjs) and
// how it runs each command (planFor in scripts/ci/fresh-clone.mjs): the markup
// contract a README writer relies on.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { planFor } from "../../scripts/ci/fresh-clone.mjs";
import { npmLines, readmeCommands } from "../../scripts/ci/readme-commands.mjs";

const FENCE = "```";

describe("the npm commands of a README", () => {
  it("are the npm lines of bash, sh and shell blocks, continuations joined, trailing comments dropped", () => {
    const markdown = [
      "Run `npm run prose` (not a block).",
      `${FENCE}bash`,
      "npm install",
      "npm run lint     # Biome, knip",
      "curl -s http://127.0.0.1:8787/",
      `${FENCE}`,
      `   ${FENCE}sh`,
      "   npm run configure -- --stack-outputs stack.json \\",
      "     --client client.json",
      `   ${FENCE}`,
      `${FENCE}ts`,
      'npm run "not shell"',
      `${FENCE}`,
      `${FENCE}shell`,
      "# npm run commented-out",
      "npm test",
      `${FENCE}`,
    ].join("\n");
    expect(npmLines(markdown)).toEqual([
      "npm install",
      "npm run lint",
      "npm run configure -- --stack-outputs stack.json --client client.json",
      "npm test",
    ]);
  });

  it("leave out a block that a fresh-clone: skip marker precedes, and only that block", () => {
    const markdown = [
      "<!-- fresh-clone: skip (the reader's own project) -->",
      "",
      `${FENCE}bash`,
      "npm install edge-cc-auth",
      `${FENCE}`,
      `${FENCE}bash`,
      "npm run build",
      `${FENCE}`,
    ].join("\n");
    expect(npmLines(markdown)).toEqual(["npm run build"]);
  });

  describe("across the documents", () => {
    let root: string;
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it("come in the order a reader meets them: README.md, then what it links in docs/ and shared/README.md, once each", () => {
      root = mkdtempSync(join(tmpdir(), "readme-commands-"));
      mkdirSync(join(root, "docs"));
      mkdirSync(join(root, "shared"));
      const block = (...lines: string[]) => [`${FENCE}bash`, ...lines, FENCE].join("\n");
      writeFileSync(
        join(root, "README.md"),
        [block("npm run dev"), "[deploy](docs/deploy.md), [library](shared/README.md), [again](./docs/deploy.md#top)"].join("\n"),
      );
      writeFileSync(join(root, "docs/deploy.md"), block("npm run deploy", "npm run dev"));
      writeFileSync(join(root, "docs/unlinked.md"), block("npm run unlinked"));
      writeFileSync(join(root, "shared/README.md"), block("npm install edge-cc-auth"));
      expect(readmeCommands(root)).toEqual([
        { command: "npm run dev", document: "README.md" },
        { command: "npm run deploy", document: "docs/deploy.md" },
        { command: "npm install edge-cc-auth", document: "shared/README.md" },
      ]);
    });
  });
});

describe("how the fresh-clone check runs a documented command", () => {
  const documented = ["npm run bench", "npm run bench -- --quick", "npm run reliability"];

  it("runs the quick form of a command documented with --quick, and the command itself otherwise", () => {
    expect(planFor("npm run bench", documented)).toHaveProperty("skip");
    expect(planFor("npm run bench -- --quick", documented)).toMatchObject({ run: "npm run bench -- --quick" });
    expect(planFor("npm run reliability", documented)).toMatchObject({ run: "npm run reliability" });
    expect(planFor("npm run reliability", [...documented, "npm run reliability -- --quick"])).toHaveProperty("skip");
    expect(planFor("npm run lint", documented)).toMatchObject({ run: "npm run lint" });
  });

  it("checks a deploy and configures from the recorded AWS outputs, with no account, expecting the secret to be unset", () => {
    expect(planFor("npm run deploy", documented)).toMatchObject({
      run: "npm run deploy -- --check",
      fails: { exitCode: 1, saying: expect.stringContaining("could not set MyBFF's secret") },
    });
    expect(planFor("npm run configure -- --stack-outputs stack.json --client client.json --kv-namespace-id <the id>", documented)).toEqual({
      run: "npm run configure -- --stack-outputs test/fixtures/aws/describe-stacks.json --client test/fixtures/aws/describe-user-pool-client.json --kv-namespace-id 0f1e2d3c4b5a69788796a5b4c3d2e1f0",
      env: { CLOUDFLARE_API_TOKEN: "" },
      limitMs: expect.any(Number),
      fails: { exitCode: 1, saying: expect.stringContaining("is NOT set") },
    });
    expect(() => planFor("npm run configure -- --region <your region>", documented)).toThrow(/no stand-in for <your region>/);
  });

  it("replays the walkthrough for npm run dev, with no global setup, and skips what is not this repository's", () => {
    expect(planFor("npm run dev", documented)).toMatchObject({
      run: expect.stringContaining("-c scripts/ci/vitest-stack.config.mjs test/stack/walkthrough.test.ts"),
    });
    expect(planFor("npm install edge-cc-auth", documented)).toHaveProperty("skip");
    expect(planFor("npm publish -w shared", documented)).toHaveProperty("skip");
    expect(planFor("npm test", documented)).toHaveProperty("skip");
    expect(planFor("npm run test:lib", documented)).toHaveProperty("skip");
    expect(planFor("npm install", documented)).toMatchObject({ run: "npm install" });
  });
});
