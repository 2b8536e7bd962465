// `npm run openapi` (node scripts/generate-openapi.mjs [--check]): writes each worker's OpenAPI document
// (workers/<worker>/src/routes/openapi.generated.json) from its route definitions
// (routes/openapi.build.ts, @hono/zod-openapi), so that the worker serves a file and
// builds no zod schema, at startup or on a request. `--check` only says whether the
// committed files are what the routes give (test/scripts/openapi-documents.test.ts runs it).
// Needs the built library (npm run build:lib), as the workers do.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { ROOT } from "./local-stack.mjs";

export const OPENAPI_WORKERS = ["service", "bff"];

/** The committed file of a worker's document. */
export const generatedPath = (worker) => join(ROOT, "workers", worker, "src/routes/openapi.generated.json");

/** The document the worker's route definitions give, as the committed file holds it. */
export async function generatedText(worker) {
  // The routes are TypeScript: bundled on their own, with every package left to Node, so that
  // @hono/zod-openapi and the library's import of it share one zod (its .openapi() extension).
  const dir = join(ROOT, ".build", "openapi");
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `${worker}-${process.pid}.mjs`);
  await build({
    entryPoints: [join(ROOT, "workers", worker, "src/routes/openapi.build.ts")],
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    outfile,
    logLevel: "error",
  });
  try {
    const { openApiDocument } = await import(pathToFileURL(outfile).href);
    return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
  } finally {
    rmSync(outfile, { force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  const check = process.argv.includes("--check");
  for (const worker of OPENAPI_WORKERS) {
    const text = await generatedText(worker);
    const file = generatedPath(worker);
    let committed = "";
    try {
      committed = readFileSync(file, "utf8");
    } catch {}
    if (committed === text) continue;
    if (check) {
      console.error(`${file} is not what the routes of ${worker} give: run node scripts/generate-openapi.mjs`);
      process.exitCode = 1;
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${file}`);
    }
  }
}
