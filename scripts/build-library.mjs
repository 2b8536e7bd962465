// Builds the edge-cc-auth package (shared/) into shared/dist: JavaScript and type
// declarations from the TypeScript sources, with nothing left of an earlier build.
// Two compilations: the core against the Web APIs alone (shared/tsconfig.json), then
// the token-coordinator entry point, a Durable Object, against the Workers types
// (shared/tsconfig.token-coordinator.json).
// Run by `npm install` (the workers import the package by its name, which resolves
// to dist/), before `npm test` and `npm run dev`, and by `npm pack` (prepack).
// It compiles into a folder of its own and then swaps it in, so that a build running
// beside a test (npm pack in the package tests) never leaves dist/ half written.
import { execFileSync } from "node:child_process";
import { renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin/tsc");
const dist = join(ROOT, "shared/dist");
const fresh = `${dist}.${process.pid}.new`;
const stale = `${dist}.${process.pid}.old`;

try {
  for (const config of ["shared/tsconfig.json", "shared/tsconfig.token-coordinator.json"]) {
    execFileSync(process.execPath, [tsc, "-p", join(ROOT, config), "--outDir", fresh], { stdio: "inherit" });
  }
  try {
    renameSync(dist, stale);
  } catch {
    // no earlier build
  }
  renameSync(fresh, dist);
} finally {
  rmSync(fresh, { recursive: true, force: true });
  rmSync(stale, { recursive: true, force: true });
}
