// Puts the API docs page (workers/docs-ui) and Swagger UI (from node_modules) into
// each worker's static assets, so /docs is served by the worker itself and renders
// with no internet access (no CDN). Runs after every `npm install` / `npm ci`.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FILES = [
  ["workers/docs-ui/index.html", "index.html"],
  ["workers/docs-ui/init.js", "init.js"],
  ["node_modules/swagger-ui-dist/swagger-ui.css", "vendor/swagger-ui.css"],
  ["node_modules/swagger-ui-dist/swagger-ui-bundle.js", "vendor/swagger-ui-bundle.js"],
];
const TARGETS = ["workers/service/public/docs", "workers/bff/public/docs"];

for (const target of TARGETS) {
  mkdirSync(join(ROOT, target, "vendor"), { recursive: true });
  for (const [from, to] of FILES) copyFileSync(join(ROOT, from), join(ROOT, target, to));
}
console.log(`API docs page copied into ${TARGETS.join(", ")}`);
