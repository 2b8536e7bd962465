// The TypeScript examples of shared/README.md compile against the built package, as a
// user copying them would compile them: each ```ts block is a module of its own, with
// the names the prose gives it (the Worker's env, a verifier built above, ...)
// declared once in a shared prelude, and type-checked with the Workers types.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

/** What the examples take from the text around them. */
const PRELUDE = `import type { CognitoAccessTokenVerifier } from "edge-cc-auth";
import type { ClientCredentialsTokenCache } from "edge-cc-auth/client-credentials";
import type { accessTokenAuth as AccessTokenAuth } from "edge-cc-auth/hono";
import type { Hono } from "hono";

declare global {
  interface Env {
    AUTH_SERVER_TOKEN_ENDPOINT_URL: string;
    AUTH_SERVER_MYBFF_CLIENT_ID: string;
    AUTH_SERVER_MYBFF_CLIENT_SECRET: string;
    REPORTS_CLIENT_PRIVATE_JWK: string;
    TOKEN_CACHE: KVNamespace;
    TOKEN_COORDINATOR?: DurableObjectNamespace;
    MY_SERVICE: Fetcher;
  }
  const env: Env;
  var tokens: ClientCredentialsTokenCache | undefined;
  const verifier: CognitoAccessTokenVerifier;
  const bearerToken: string;
  const app: Hono;
  const accessTokenAuth: typeof AccessTokenAuth;
  const metrics: { count(event: string, code: unknown): void };
  const userPoolId: string;
  const clientIds: string[];
}
`;

function blocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? "");
}

let dir: string;
beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, "scripts/build-library.mjs")], { stdio: "pipe" });
  mkdirSync(join(ROOT, "node_modules", ".cache"), { recursive: true });
  // Under the repository's node_modules, so that edge-cc-auth resolves to the built package.
  dir = mkdtempSync(join(ROOT, "node_modules", ".cache", "readme-examples-"));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("shared/README.md's TypeScript examples", () => {
  it("type-check against the built package", () => {
    const examples = blocks(readFileSync(join(ROOT, "shared/README.md"), "utf8"));
    expect(examples.length).toBeGreaterThanOrEqual(6);
    writeFileSync(join(dir, "prelude.d.ts"), PRELUDE);
    for (const [index, code] of examples.entries()) writeFileSync(join(dir, `example-${index + 1}.ts`), `${code}\nexport {};\n`);
    const tsconfig = {
      compilerOptions: {
        target: "es2022",
        module: "es2022",
        moduleResolution: "bundler",
        lib: ["es2023"],
        types: ["@cloudflare/workers-types"],
        typeRoots: [join(ROOT, "node_modules", "@types"), join(ROOT, "node_modules")],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
      },
      include: ["*.ts"],
    };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
    let output = "";
    try {
      execFileSync(join(ROOT, "node_modules", ".bin", "tsc"), ["-p", dir], { encoding: "utf8", stdio: "pipe" });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe("");
  }, 120_000);
});
