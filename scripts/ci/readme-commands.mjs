// The npm commands the READMEs give a reader, in the order a reader meets them: what
// the fresh-clone check (scripts/ci/fresh-clone.mjs) runs. The contract with the
// READMEs:
// - a command is a line of a fenced block marked ```bash, ```sh or ```shell whose first
//   word is `npm` (lines ending in `\` are joined; a trailing ` # comment` is dropped);
// - the documents are README.md, then the Markdown files under docs/ and
//   shared/README.md in the order README.md first links to them, then
//   shared/README.md if it links to none of them;
// - `<!-- fresh-clone: skip -->` on the line before a fence (blank lines between are
//   fine) leaves that block out, for commands that are not this repository's to run.
import { existsSync, readFileSync } from "node:fs";
import { join, normalize, relative } from "node:path";

const FENCE = /^\s*```(\S*)\s*$/;
const SHELLS = new Set(["bash", "sh", "shell"]);
const SKIP_MARKER = /^\s*<!--\s*fresh-clone:\s*skip\b.*-->\s*$/;

/**
 * The `npm` lines of one Markdown text's shell blocks, in order.
 * @param {string} markdown
 * @returns {string[]}
 */
export function npmLines(markdown) {
  const lines = markdown.split("\n");
  const commands = [];
  let inBlock = false;
  let runBlock = false;
  let skipNext = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const fence = FENCE.exec(line);
    if (!inBlock) {
      if (fence) {
        inBlock = true;
        runBlock = SHELLS.has(fence[1] ?? "") && !skipNext;
        skipNext = false;
      } else if (SKIP_MARKER.test(line)) skipNext = true;
      else if (line.trim() !== "") skipNext = false;
      continue;
    }
    if (/^\s*```\s*$/.test(line)) {
      inBlock = false;
      continue;
    }
    if (!runBlock) continue;
    let command = line.trim();
    while (command.endsWith("\\") && i + 1 < lines.length) command = `${command.slice(0, -1).trimEnd()} ${(lines[++i] ?? "").trim()}`;
    command = command.replace(/\s+#\s.*$/, "");
    if (/^npm\s/.test(command)) commands.push(command);
  }
  return commands;
}

/**
 * The documents a reader meets, in order (see the contract above), relative to root.
 * @param {string} root
 */
export function documents(root) {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const linked = [...readme.matchAll(/\]\(([^)#\s]+\.md)(?:#[^)]*)?\)/g)]
    .map((match) => normalize(relative(root, join(root, match[1] ?? ""))))
    .filter((path) => (path.startsWith("docs/") || path === "shared/README.md") && existsSync(join(root, path)));
  const ordered = ["README.md", ...new Set(linked)];
  if (!ordered.includes("shared/README.md")) ordered.push("shared/README.md");
  return ordered;
}

/**
 * Every npm command of the documents, once each (where a reader first meets it).
 * @param {string} root
 * @returns {{ command: string, document: string }[]}
 */
export function readmeCommands(root) {
  const seen = new Set();
  const found = [];
  for (const document of documents(root)) {
    for (const command of npmLines(readFileSync(join(root, document), "utf8"))) {
      if (seen.has(command)) continue;
      seen.add(command);
      found.push({ command, document });
    }
  }
  return found;
}
