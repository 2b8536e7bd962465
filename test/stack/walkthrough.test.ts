// The stack test: `npm run dev` comes up, and the README walkthrough, run word for
// word in bash (ports moved so a running dev stack is left alone), gives the
// answers the README promises. Ctrl-C then stops every process.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_CLIENT_ID, DEV_POOL_ID } from "../../scripts/dev-settings.mjs";
import { getClientTokenCurl, readmeWalkthrough } from "../../scripts/local-stack.mjs";

const ROOT = join(import.meta.dirname, "..", "..");
const PORTS = { cognito: 18789, service: 18787, bff: 18788 };
const run = promisify(execFile);

let dev: ChildProcess;
let output = "";
let stateDir: string;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "stack-test-"));
  dev = spawn("npm", ["run", "dev"], {
    cwd: ROOT,
    env: {
      ...process.env,
      COGNITO_PORT: String(PORTS.cognito),
      SERVICE_PORT: String(PORTS.service),
      BFF_PORT: String(PORTS.bff),
      DEV_PERSIST_TO: join(stateDir, "state"),
      // A dev registry of its own, so the BFF binds to this stack's MyService.
      WRANGLER_REGISTRY_PATH: join(stateDir, "registry"),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  dev.stdout!.on("data", (chunk) => (output += chunk));
  dev.stderr!.on("data", (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes("The stack is up")) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    dev.on("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`npm run dev exited with ${code}:\n${output}`));
    });
  });
});

afterAll(async () => {
  if (dev.exitCode === null) {
    // Ctrl-C first, so that npm run dev stops its wranglers (each in a process group of
    // its own): a SIGKILL of npm's group alone would leave them and their workerd
    // running, holding the ports. SIGKILL only if it has not stopped in 15 s.
    const exited = new Promise((resolve) => dev.once("exit", resolve));
    try {
      process.kill(-dev.pid!, "SIGINT");
    } catch {
      /* already stopped */
    }
    const stopped = await Promise.race([exited.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 15_000))]);
    if (!stopped) {
      try {
        process.kill(-dev.pid!, "SIGKILL");
      } catch {
        /* already stopped */
      }
    }
  }
  rmSync(stateDir, { recursive: true, force: true });
});

async function portAnswers(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

describe("npm run dev", () => {
  it("starts with no warning from wrangler (configuration, environments, stale types)", () => {
    expect(output).toMatch(/\[bff\].*Ready on/);
    expect(output).not.toMatch(/\[WARNING\]|might be out of date|❓/);
  });

  it("says in one line which issuer MyService trusts: cognito-local's, overriding the configs'", () => {
    const lines = output.split("\n").filter((line) => line.startsWith("Issuer: "));
    expect(lines).toEqual([expect.stringContaining(`Issuer: cognito-local's http://127.0.0.1:${PORTS.cognito}/${DEV_POOL_ID} `)]);
    expect(lines[0]).toContain("COGNITO=real npm run dev");
  });

  it("prints the curl commands to try, with its ports", () => {
    const printed = readmeWalkthrough(PORTS).replace(/^(?=.)/gm, "  ");
    expect(printed).toContain(`127.0.0.1:${PORTS.bff}/weatherforecast`);
    expect(output).toContain(printed);
    expect(output).toMatch(/\[cognito\].*Ready on/);
    expect(output).toMatch(/\[service\].*Ready on/);
    expect(output).toMatch(/\[bff\].*Ready on/);
  });

  // Run twice, as a reader reruns it: the second time MyBFF's token is already in its cache
  // and cognito-local's count includes the first run's tokens; what the README says must still hold.
  it.each(["", " again (a rerun)"])("runs the README walkthrough as written%s", async () => {
    const { stdout } = await run("bash", ["-euo", "pipefail", "-c", readmeWalkthrough(PORTS)], {
      cwd: ROOT,
      timeout: 60_000,
    });
    // curl -i without a token: the post's 401 with a Bearer challenge
    expect(stdout).toMatch(/^HTTP\/1\.1 401 Unauthorized\r?$/m);
    expect(stdout).toMatch(/^WWW-Authenticate: Bearer\r?$/im);

    const arrays = stdout.match(/^\[\{.*\}\]$/gm) ?? [];
    expect(arrays, `the walkthrough printed:\n${stdout}\nnpm run dev printed:\n${output}`).toHaveLength(3);
    const [fromService, fromBff, fromBffAgain] = arrays.map((line) => JSON.parse(line) as Array<Record<string, unknown>>);
    expect(fromBffAgain).toHaveLength(5);
    // The second MyBFF call cost no token request: the count is the same before and after it.
    const counts = (stdout.match(/^\{"tokensIssued".*$/gm) ?? []).map(
      (line) => (JSON.parse(line) as { tokensIssuedTotal: number }).tokensIssuedTotal,
    );
    expect(counts).toHaveLength(2);
    expect(counts[0]).toBeGreaterThanOrEqual(1);
    expect(counts[1]).toBe(counts[0]);
    expect(fromService).toHaveLength(5);
    expect(Object.keys(fromService![0]!).sort()).toEqual(["date", "summary", "temperatureC", "temperatureF"]);
    expect(fromBff).toHaveLength(5);
    expect(Object.keys(fromBff![0]!).sort()).toEqual(["date", "summary", "temperatureC"]);
  });

  it("runs docs/cognito-local.md's curl commands as written, each answered with a 2xx", async () => {
    const docs = readFileSync(join(ROOT, "docs", "cognito-local.md"), "utf8");
    const blocks = [...docs.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) =>
      m[1]!.replaceAll("127.0.0.1:8789", `127.0.0.1:${PORTS.cognito}`),
    );
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const outputs: string[] = [];
    for (const block of blocks) {
      // --fail-with-body: a 403 (a missing header) or a 400 (a wrong body) fails the block.
      const script = block.replaceAll("curl -s ", "curl -s --fail-with-body ");
      outputs.push((await run("bash", ["-euo", "pipefail", "-c", script], { cwd: ROOT, timeout: 30_000 })).stdout);
    }
    const printed = outputs.join("\n");
    expect(printed).toContain(`"poolId":"${DEV_POOL_ID}"`);
    expect(printed).toMatch(/"largestTokenBytes":\d+/);
  });

  it("gets a token from GetClientToken with curl (the README's call), which MyService accepts", async () => {
    // README: TOKEN_SOURCE=get-client-token npm run dev runs MyBFF on this call; cognito-local answers it either way.
    const { stdout } = await run("bash", ["-euo", "pipefail", "-c", getClientTokenCurl(PORTS)], { cwd: ROOT, timeout: 30_000 });
    const { ClientAuthenticationResult: result } = JSON.parse(stdout) as {
      ClientAuthenticationResult: { AccessToken: string; ExpiresIn: number; TokenType: string };
    };
    expect(result.TokenType).toBe("Bearer");
    expect(result.ExpiresIn).toBeGreaterThan(0);
    const forecast = await fetch(`http://127.0.0.1:${PORTS.service}/weatherforecast`, {
      headers: { Authorization: `Bearer ${result.AccessToken}` },
    });
    expect(forecast.status).toBe(200);
  });

  it("gives the workers the ids cognito-local derives from infra/cognito.yaml", async () => {
    const pool = (await (
      await fetch(`http://127.0.0.1:${PORTS.cognito}/_dev/pool`, { headers: { "X-Cognito-Local-Dev": "1" } })
    ).json()) as {
      poolId: string;
      clients: Array<{ clientName: string; clientId: string }>;
    };
    expect(pool.poolId).toBe(DEV_POOL_ID);
    expect(pool.clients.find((c) => c.clientName === "MyBFF")?.clientId).toBe(DEV_CLIENT_ID);
  });

  it("stops every worker on Ctrl-C", async () => {
    const exited = new Promise((resolve) => dev.on("exit", resolve));
    // A terminal's Ctrl-C signals the whole foreground process group.
    process.kill(-dev.pid!, "SIGINT");
    await exited;
    const deadline = Date.now() + 15_000;
    let answering = Object.values(PORTS);
    while (answering.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      answering = (await Promise.all(answering.map(async (port) => ((await portAnswers(port)) ? port : null)))).filter(
        (port): port is number => port !== null,
      );
    }
    expect(answering).toEqual([]);
  });
});
