// Run before `npm run dev` and `npm test` (predev, pretest): on a fresh clone where
// `npm install` has not run, one line saying so, instead of Node's MODULE_NOT_FOUND
// stack from the first script that imports a dependency. It imports nothing itself
// but Node's own modules, so that it runs before anything is installed.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
// What `npm run dev` and `npm test` start first: the library's compiler, wrangler, vitest.
const NEEDED = ["typescript", "wrangler", "vitest"];

const missing = NEEDED.filter((name) => !existsSync(join(ROOT, "node_modules", name, "package.json")));
if (missing.length > 0) {
  const command = (process.env.npm_lifecycle_event ?? "").replace(/^pre/, "") || "this command";
  console.error(
    `npm run ${command}: the dependencies are not installed (no node_modules/${missing[0]}): run \`npm install\` in ${ROOT} first.`,
  );
  process.exit(1);
}
