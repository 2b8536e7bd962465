// Builds the edge-cc-auth package (shared/) into shared/dist: JavaScript and type
// declarations from the TypeScript sources, with nothing left of an earlier build.
// Run by `npm install` (the workers import the package by its name, which resolves
// to dist/), before `npm test` and `npm run dev`, and by `npm pack` (prepack).
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin/tsc");

rmSync(join(ROOT, "shared/dist"), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", join(ROOT, "shared/tsconfig.json")], { stdio: "inherit" });
