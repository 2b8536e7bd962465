// Reads and rewrites the few settings of wrangler.toml that differ between the local
// stack and a real deployment, line by line, so that the file keeps its comments and
// layout (a TOML library would rewrite the whole file).
import { readFileSync, writeFileSync } from "node:fs";

/** The table a line belongs to: "" (top level), "vars", "kv_namespaces", ... */
function tables(lines) {
  let table = "";
  return lines.map((line) => {
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*$/.exec(line);
    if (header) table = header[1];
    return table;
  });
}

const ASSIGNMENT = /^(\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)"([^"]*)"(.*)$/;

/** The string settings of wrangler.toml, as { "vars.COGNITO_ISSUER": "...", "kv_namespaces.id": "..." }. */
export function readSettings(path) {
  const lines = readFileSync(path, "utf8").split("\n");
  const table = tables(lines);
  const settings = {};
  lines.forEach((line, i) => {
    const match = ASSIGNMENT.exec(line);
    if (match) settings[`${table[i] ? `${table[i]}.` : ""}${match[2]}`] = match[4];
  });
  return settings;
}

/**
 * Sets string settings in place; every one must already be in the file, except that
 * with `addMissingVars` a missing `vars.*` setting is added at the end of `[vars]`.
 * @param {Record<string, string>} values keys as readSettings gives them
 * @param {{ addMissingVars?: boolean }} [options]
 */
export function writeSettings(path, values, options = {}) {
  const lines = readFileSync(path, "utf8").split("\n");
  const table = tables(lines);
  const pending = new Set(Object.keys(values));
  const updated = lines.map((line, i) => {
    const match = ASSIGNMENT.exec(line);
    if (!match) return line;
    const key = `${table[i] ? `${table[i]}.` : ""}${match[2]}`;
    if (!(key in values)) return line;
    if (/["\\\n]/.test(values[key])) throw new Error(`${key}: the value holds a character TOML strings would need escaped`);
    pending.delete(key);
    return `${match[1]}${match[2]}${match[3]}"${values[key]}"${match[5]}`;
  });
  const addable = options.addMissingVars ? [...pending].filter((key) => key.startsWith("vars.")) : [];
  const lastVarsLine = table.lastIndexOf("vars");
  if (addable.length > 0 && lastVarsLine >= 0) {
    for (const key of addable) {
      if (/["\\\n]/.test(values[key])) throw new Error(`${key}: the value holds a character TOML strings would need escaped`);
      pending.delete(key);
    }
    // After the last assignment of [vars], so that a comment block below it stays where it is.
    // An empty value is "not set": a missing line already says that.
    let at = lastVarsLine;
    while (at > 0 && !ASSIGNMENT.test(lines[at]) && table[at] === "vars") at--;
    const added = addable.filter((key) => values[key] !== "");
    updated.splice(at + 1, 0, ...added.map((key) => `${key.slice("vars.".length)} = "${values[key]}"`));
  }
  if (pending.size > 0) throw new Error(`${path} has no ${[...pending].join(", ")}`);
  writeFileSync(path, updated.join("\n"));
}
