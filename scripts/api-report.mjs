// The API report of edge-cc-auth: for each entry point of shared/package.json, the
// public declarations as api-extractor reads them from the built shared/dist, in
// shared/api/<entry>.api.md. Every change of the public surface then shows up in
// review as a change of these files.
//   node scripts/api-report.mjs          rewrites the reports (after npm run build:lib)
//   node scripts/api-report.mjs --check  fails when the built surface differs from them
// api-extractor reads only the declarations, with its own TypeScript: the toolchain
// that builds them (TypeScript 7) is not involved.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const ROOT = join(import.meta.dirname, "..");
const SHARED = join(ROOT, "shared");
const check = process.argv.includes("--check");

/** Each entry point of the package: its report's name and its declaration file. */
function entryPoints() {
  const { exports } = JSON.parse(readFileSync(join(SHARED, "package.json"), "utf8"));
  return Object.entries(exports)
    .filter(([, target]) => typeof target === "object" && target.types)
    .map(([subpath, target]) => ({
      name: subpath === "." ? "edge-cc-auth" : `edge-cc-auth-${subpath.slice(2)}`,
      types: join(SHARED, target.types),
      // The one entry point that is compiled with the Workers types is read with them.
      workers: subpath === "./token-coordinator",
    }));
}

function configFor(entry, tempFolder) {
  return ExtractorConfig.prepare({
    configObjectFullPath: undefined,
    packageJsonFullPath: join(SHARED, "package.json"),
    configObject: {
      projectFolder: SHARED,
      mainEntryPointFilePath: entry.types,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: "es2022",
            module: "es2022",
            moduleResolution: "bundler",
            lib: entry.workers ? ["es2023"] : ["es2023", "webworker"],
            types: entry.workers ? ["@cloudflare/workers-types"] : [],
            strict: true,
            skipLibCheck: true,
          },
          include: [entry.types],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: `${entry.name}.api.md`,
        reportFolder: join(SHARED, "api"),
        reportTempFolder: tempFolder,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // The report says what is public; release tags (@public, @beta) are not used.
        extractorMessageReporting: { "ae-missing-release-tag": { logLevel: "none" } },
      },
    },
  });
}

mkdirSync(join(SHARED, "api"), { recursive: true });
const tempFolder = mkdtempSync(join(tmpdir(), "api-report-"));
const failed = [];
try {
  for (const entry of entryPoints()) {
    const result = Extractor.invoke(configFor(entry, tempFolder), { localBuild: !check, showVerboseMessages: false });
    if (!result.succeeded || (check && result.apiReportChanged)) failed.push(entry.name);
  }
} finally {
  rmSync(tempFolder, { recursive: true, force: true });
}
if (failed.length > 0) {
  const why = check
    ? `the public API differs from shared/api/ for ${failed.join(", ")}: review the change, then run node scripts/api-report.mjs`
    : `api-extractor failed for ${failed.join(", ")}`;
  console.error(why);
  process.exit(1);
}
