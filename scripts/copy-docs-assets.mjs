// Copies Swagger UI from node_modules into the workers' static assets, so /docs is
// served by the worker itself and renders with no internet access (no CDN).
// Runs after every `npm install` / `npm ci` (the postinstall script).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE = join(ROOT, "node_modules", "swagger-ui-dist");
const FILES = ["swagger-ui.css", "swagger-ui-bundle.js"];
const TARGETS = ["workers/service/public/docs/vendor"];

for (const target of TARGETS) {
  mkdirSync(join(ROOT, target), { recursive: true });
  for (const file of FILES) copyFileSync(join(SOURCE, file), join(ROOT, target, file));
}
console.log(`copied Swagger UI into ${TARGETS.join(", ")}`);
