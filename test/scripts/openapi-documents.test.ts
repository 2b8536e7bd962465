// The OpenAPI documents of MyService and MyBFF are generated from their
// @hono/zod-openapi routes at build time (scripts/generate-openapi.mjs) and served as
// files: the committed files must be what the routes give (as the API report), what the
// workers serve must be the documents they served before, byte for byte
// (test/fixtures/openapi/, captured from the workers that built them per request, with
// the local stack's settings), and no module a request runs may import zod.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { generatedPath, generatedText, OPENAPI_WORKERS } from "#scripts/generate-openapi.mjs";
import { openApiJson as bffDocument } from "../../workers/bff/src/routes/openapi.ts";
import { openApiJson as serviceDocument } from "../../workers/service/src/routes/openapi.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const fixture = (worker: string) => readFileSync(join(ROOT, "test/fixtures/openapi", `${worker}.json`), "utf8");

describe("the generated OpenAPI documents", () => {
  it.each(OPENAPI_WORKERS)(
    "of %s are what its route definitions give",
    async (worker) => {
      expect(readFileSync(generatedPath(worker), "utf8")).toBe(await generatedText(worker));
    },
    60_000,
  );

  it("are served as the workers served them before, byte for byte", () => {
    // The fixtures were captured with the local stack's COGNITO_TOKEN_URL (scripts/dev-settings.mjs).
    expect(serviceDocument("http://127.0.0.1:8789/oauth2/token")).toBe(fixture("service"));
    expect(bffDocument()).toBe(fixture("bff"));
  });

  it("carry the settings' token URL, escaped as JSON", () => {
    const document = JSON.parse(serviceDocument('https://auth.example.com/oauth2/token?a="b"'));
    expect(document.components.securitySchemes.cognito.flows.clientCredentials.tokenUrl).toBe(
      'https://auth.example.com/oauth2/token?a="b"',
    );
  });
});

describe("the workers' request path", () => {
  // zod at module load was most of a worker's startup time: the settings readers are plain
  // checks, and only the build-time route definitions (routes/*.build.ts, not bundled) use it.
  const ZOD = /^(zod|zod\/.*|@hono\/zod-openapi|edge-cc-auth\/openapi)$/;

  it.each(["service", "bff"])(
    "of %s imports no zod at all",
    async (worker) => {
      const { metafile } = await build({
        entryPoints: [join(ROOT, "workers", worker, "src/index.ts")],
        absWorkingDir: ROOT,
        bundle: true,
        write: false,
        metafile: true,
        format: "esm",
        platform: "neutral",
        conditions: ["workerd", "worker", "browser"],
        mainFields: ["module", "main"],
        external: ["cloudflare:*"],
        logLevel: "silent",
      });
      const importers = Object.entries(metafile.inputs)
        .filter(([path, input]) => !path.startsWith("node_modules/") && input.imports.some((i) => ZOD.test(i.original ?? "")))
        .map(([path]) => path);
      expect(importers).toEqual([]);
      expect(Object.keys(metafile.inputs).filter((path) => path.includes("zod"))).toEqual([]);
    },
    60_000,
  );
});
