// `npm run dev` with a port already taken: one line naming the port, how to find what
// holds it and the variable that moves it; nothing started, so no workerd stack trace
// and no process left behind.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const run = promisify(execFile);
// Ports of this test alone (below Linux's ephemeral range, away from the other tests').
const PORTS = { cognito: 24789, service: 24787, bff: 24788 };
const VARIABLES = { cognito: "COGNITO_PORT", service: "SERVICE_PORT", bff: "BFF_PORT" } as const;

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

describe("npm run dev with a port taken", () => {
  it.each(Object.keys(PORTS) as Array<keyof typeof PORTS>)("says so in one line when %s's port is taken", async (worker) => {
    const holder = await listen(PORTS[worker]);
    try {
      const env = { ...process.env, COGNITO_PORT: String(PORTS.cognito), SERVICE_PORT: String(PORTS.service), BFF_PORT: String(PORTS.bff) };
      const result = await run(process.execPath, [join(ROOT, "scripts", "dev.mjs")], { cwd: ROOT, env, timeout: 30_000 }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      );
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`port ${PORTS[worker]}`);
      expect(lines[0]).toContain(`lsof -i :${PORTS[worker]}`);
      expect(lines[0]).toContain(`${VARIABLES[worker]}=${PORTS[worker] + 1000} npm run dev`);
      // Nothing was started: no worker's output, no stack trace, the other ports still free.
      expect(result.stdout).not.toMatch(/\[(cognito|service|bff)\]|Ready on/);
      expect(result.stderr).not.toMatch(/^\s+at |workerd/m);
      for (const other of Object.keys(PORTS) as Array<keyof typeof PORTS>) {
        if (other !== worker) (await listen(PORTS[other])).close();
      }
    } finally {
      holder.close();
    }
  });
});
