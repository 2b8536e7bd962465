// What the source tree promises about its imports, checked on every file:
// - a worker imports another folder only by a name (edge-cc-auth, hono, #test/...),
//   never by a relative path that leaves the worker's folder;
// - the library and the workers import nothing from Node (`node:`) and no config
//   leaves Node.js compatibility on: they run on the Workers runtime alone;
// - the library's core imports no `cloudflare:` module: only the token-coordinator
//   entry point (a Durable Object) may, and shared/tsconfig.json leaves it out.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const SOURCE = /\.(ts|mts|mjs|js)$/;
const SKIPPED_DIRS = new Set(["node_modules", "dist", "docs", ".wrangler"]);

function sourceFiles(dir: string, skipped: ReadonlySet<string> = SKIPPED_DIRS): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return skipped.has(entry.name) ? [] : sourceFiles(path, skipped);
    return SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every module specifier of static imports, re-exports and dynamic imports with a literal. */
function specifiers(code: string): string[] {
  const found: string[] = [];
  for (const match of code.matchAll(/(?:^|[\s;}])(?:import|export)\s[^'"`;]*?from\s*["']([^"']+)["']/g)) found.push(match[1]!);
  for (const match of code.matchAll(/(?:^|[\s;])import\s*["']([^"']+)["']/g)) found.push(match[1]!);
  for (const match of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(match[1]!);
  return found;
}

const workers = readdirSync(join(ROOT, "workers"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

describe("imports", () => {
  it("finds the imports it checks", () => {
    // The scanner itself: if it found nothing, every check below would pass vacuously.
    expect(specifiers('import { a } from "./a";\nexport * from "../b.ts";\nimport "./c";\nawait import("./d");')).toEqual([
      "./a",
      "../b.ts",
      "./c",
      "./d",
    ]);
    expect(workers).toEqual(expect.arrayContaining(["bff", "cognito-local", "service"]));
  });

  it.each(workers)("of workers/%s stay in its folder unless by name", (worker) => {
    const folder = join(ROOT, "workers", worker);
    const files = sourceFiles(folder);
    expect(files.length).toBeGreaterThan(0);
    const leaving = files.flatMap((file) =>
      specifiers(readFileSync(file, "utf8"))
        .filter((specifier) => specifier.startsWith("."))
        .filter((specifier) => relative(folder, resolve(dirname(file), specifier)).startsWith(".."))
        .map((specifier) => `${relative(ROOT, file)}: ${specifier}`),
    );
    expect(leaving).toEqual([]);
  });

  it("of the library and the workers never reach Node", () => {
    // Tests of cognito-local and MyBFF run in Node (they start Miniflare): not deployed code.
    const deployed = new Set([...SKIPPED_DIRS, "test"]);
    const files = [
      ...sourceFiles(join(ROOT, "shared"), deployed),
      ...workers.flatMap((worker) => sourceFiles(join(ROOT, "workers", worker), deployed)),
    ];
    expect(files).toContain(join(ROOT, "workers/bff/src/index.ts"));
    const fromNode = files.flatMap((file) =>
      specifiers(readFileSync(file, "utf8"))
        .filter((specifier) => specifier.startsWith("node:"))
        .map((specifier) => `${relative(ROOT, file)}: ${specifier}`),
    );
    expect(fromNode).toEqual([]);
  });

  it("of the library's core use the Web APIs alone, the token coordinator's Durable Object shell apart", () => {
    const shell = ["index.ts", "durable-object.ts"].map((file) => join(ROOT, "shared/token-coordinator", file));
    const core = sourceFiles(join(ROOT, "shared")).filter((file) => !shell.includes(file));
    expect(core).toContain(join(ROOT, "shared/jwt/jwt-verifier.ts"));
    expect(core).toContain(join(ROOT, "shared/token-coordinator/core.ts"));
    const fromWorkers = core.flatMap((file) =>
      specifiers(readFileSync(file, "utf8"))
        .filter((specifier) => specifier.startsWith("cloudflare:"))
        .map((specifier) => `${relative(ROOT, file)}: ${specifier}`),
    );
    expect(fromWorkers).toEqual([]);
    const config = readFileSync(join(ROOT, "shared/tsconfig.json"), "utf8");
    expect(config).toMatch(/"types": \[\]/);
    for (const file of ["index.ts", "durable-object.ts"])
      expect(config).toMatch(new RegExp(`"exclude": \\[[^\\]]*"token-coordinator/${file}"`));
    expect(config).not.toMatch(/"exclude": \[[^\]]*"token-coordinator\/core.ts"/);
  });

  it("switch Node.js compatibility off in every worker config", () => {
    const configs = ["wrangler.toml", ...workers.map((worker) => `workers/${worker}/wrangler.toml`)].filter((config) =>
      existsSync(join(ROOT, config)),
    );
    expect(configs).toContain("workers/bff/wrangler.toml");
    for (const config of configs) {
      const text = readFileSync(join(ROOT, config), "utf8");
      expect(text, config).toContain(`compatibility_flags = ["no_nodejs_compat", "no_nodejs_compat_v2"]`);
      expect(text, config).not.toMatch(/"nodejs_compat(_v2)?"/);
    }
  });

  // From compatibility date 2026-08-04 the runtime gives Node.js APIs unless both flags
  // say no. wrangler still bundles a node: import (as an external, with a warning), so
  // the check is on what it bundled: the deployable workers as test/global-setup.ts built them.
  it("leave no node: import in a deployable bundle", () => {
    for (const worker of ["service", "bff", "cognito-local"]) {
      const bundle = readFileSync(join(ROOT, ".build", worker, "index.js"), "utf8");
      expect(
        specifiers(bundle).filter((specifier) => specifier.startsWith("node:")),
        worker,
      ).toEqual([]);
    }
  });
});
