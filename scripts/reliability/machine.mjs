// What machine a measurement ran on, for the reports (RELIABILITY.md, bench/RESULTS.md).
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { ROOT } from "../local-stack.mjs";

export function machine() {
  const cpu = cpus()[0]?.model?.trim() ?? "unknown CPU";
  const workerd = JSON.parse(readFileSync(join(ROOT, "node_modules/workerd/package.json"), "utf8")).version;
  const wrangler = JSON.parse(readFileSync(join(ROOT, "node_modules/wrangler/package.json"), "utf8")).version;
  return {
    date: new Date().toISOString(),
    cpu,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    // How busy the machine was when the measurement started (1, 5 and 15 minutes): the
    // machines these run on are shared, and a loaded one shifts every timing.
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
    node: process.version,
    workerd,
    wrangler,
  };
}
