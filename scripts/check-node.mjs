// Run before `npm run dev`, `npm test` and the other commands that start wrangler or
// vitest: on a Node older than `engines` says, one line naming the Node needed, in
// place of a stack trace from deep inside wrangler. No imports, so it runs anywhere.
// (`npm install` itself refuses such a Node: .npmrc sets engine-strict.)

/** The oldest Node the project runs on; package.json's `engines` says the same. */
export const REQUIRED_NODE = "22.12.0";

/**
 * Why this Node cannot run the project, or `undefined` when it can.
 * @param {string} version as in process.versions.node
 * @returns {string | undefined}
 */
export function nodeVersionProblem(version) {
  const [major, minor] = version.split(".").map(Number);
  const [needMajor, needMinor] = REQUIRED_NODE.split(".").map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `This project needs Node.js ${REQUIRED_NODE} or later (24 LTS recommended); this is Node.js ${version}. See README.md, "Requirements".`;
}

// Not import.meta.filename: a Node too old to run the project may be too old to have it.
if (process.argv[1]?.endsWith("check-node.mjs")) {
  const problem = nodeVersionProblem(process.versions.node);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
