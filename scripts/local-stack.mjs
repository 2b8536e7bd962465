// Starts the three local workers (cognito-local, MyService, MyBFF) as `wrangler dev`
// processes, one per worker config.
// Shared by `npm run dev` (scripts/dev.mjs) and by the stack tests, which is why it
// is a small module of our own rather than a generic runner such as `concurrently`:
// callers need to know when every worker is ready and on which ports.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, DEV_POOL_ID, devBffVars, devServiceVars } from "./dev-settings.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

// Tests and benchmarks use other ports below 32768: ports in Linux's ephemeral range
// (32768-60999) may be taken at any moment by another program's connections.
export const DEFAULT_PORTS = { cognito: 8789, service: 8787, bff: 8788 };

/** Environment for every wrangler run: no telemetry, no Cloudflare API calls. */
export const WRANGLER_ENV = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

const DEV_VARS = [
  ["workers/cognito-local/.dev.vars.example", "workers/cognito-local/.dev.vars"],
  ["workers/bff/.dev.vars.example", "workers/bff/.dev.vars"],
];

/** Copies the committed dev-only secrets into place when missing; returns what it created. */
export function ensureDevVars() {
  const created = [];
  for (const [example, target] of DEV_VARS) {
    if (!existsSync(join(ROOT, target))) {
      copyFileSync(join(ROOT, example), join(ROOT, target));
      created.push(target);
    }
  }
  return created;
}

/**
 * The README's walkthrough (the bash block between its walkthrough markers), with
 * the default ports replaced by the given ones. `npm run dev` prints it and the
 * stack test runs it, so the README cannot drift from what works.
 */
export function readmeWalkthrough(ports = DEFAULT_PORTS) {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = /<!-- walkthrough:start -->\s*```bash\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(readme);
  if (!section) throw new Error("README.md has no walkthrough block");
  let script = section[1] ?? "";
  for (const worker of Object.keys(DEFAULT_PORTS)) {
    script = script.replaceAll(`127.0.0.1:${DEFAULT_PORTS[worker]}`, `127.0.0.1:${ports[worker]}`);
  }
  return script;
}

/**
 * A GetClientToken call with curl against cognito-local, as MyBFF makes it on the
 * GetClientToken path (`TOKEN_SOURCE=get-client-token npm run dev`): the same request,
 * to `https://cognito-idp.<region>.amazonaws.com/` with the real id and secret, gets a
 * token from Cognito. The walkthrough test runs it; the README shows it.
 * @param {{ cognito: number }} [ports]
 * @param {string} [clientSecret] MyBFF's dev-only secret by default
 */
export function getClientTokenCurl(ports = DEFAULT_PORTS, clientSecret = DEV_CLIENT_SECRET) {
  return `curl -s -X POST http://127.0.0.1:${ports.cognito}/ \\
  -H 'Content-Type: application/x-amz-json-1.1' \\
  -H 'X-Amz-Target: AWSCognitoIdentityProviderService.GetClientToken' \\
  -d '{"ClientId":"${DEV_CLIENT_ID}","Secret":"${clientSecret}","Scopes":["MyService/weather_read"]}'
`;
}

/** URLs of the stack for the given ports. */
export function stackUrls(ports) {
  const cognito = `http://127.0.0.1:${ports.cognito}`;
  return {
    cognito,
    issuer: `${cognito}/${DEV_POOL_ID}`,
    tokenEndpoint: `${cognito}/oauth2/token`,
    service: `http://127.0.0.1:${ports.service}`,
    bff: `http://127.0.0.1:${ports.bff}`,
  };
}

/** A port the OS says is free now. Each wrangler gets its own inspector port: left to
 * choose, three wranglers starting at once race for 9229 and one fails. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Each worker's port variable of `npm run dev`. */
export const PORT_VARIABLES = { cognito: "COGNITO_PORT", service: "SERVICE_PORT", bff: "BFF_PORT" };

/**
 * The workers whose port is taken on 127.0.0.1 now (by another program, or a stack
 * left running), with the error that says so: checked before anything starts, so that
 * a taken port is one line instead of wrangler's and workerd's stack traces.
 * @param {Record<string, number>} ports
 * @returns {Promise<Array<{ worker: string, port: number, code: string }>>}
 */
export async function takenPorts(ports) {
  const taken = [];
  for (const [worker, port] of Object.entries(ports)) {
    const code = await new Promise((resolve) => {
      const server = createServer();
      server.once("error", (error) => resolve(error.code ?? "error"));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(null)));
    });
    if (code) taken.push({ worker, port, code });
  }
  return taken;
}

function workerCommands(
  ports,
  persistTo,
  extraVars = {},
  serviceConfig = "wrangler.toml",
  tokenSource = "token-endpoint",
  realPool = false,
) {
  const urls = stackUrls(ports);
  const common = ["--ip", "127.0.0.1", ...(persistTo ? ["--persist-to", persistTo] : [])];
  // Every setting that differs from production is given on the command line, so the
  // stack runs whatever wrangler.toml holds (local values, or yours after npm run configure).
  const vars = (settings) => Object.entries(settings).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  return (
    [
      {
        name: "cognito",
        port: ports.cognito,
        args: ["-c", "workers/cognito-local/wrangler.toml", "--port", String(ports.cognito), ...vars({ ISSUER_ORIGIN: urls.cognito })],
      },
      {
        name: "service",
        port: ports.service,
        args: ["-c", serviceConfig, "--port", String(ports.service), ...vars(devServiceVars(urls.cognito))],
      },
      {
        name: "bff",
        port: ports.bff,
        args: [
          "-c",
          "workers/bff/wrangler.toml",
          "--port",
          String(ports.bff),
          ...vars(devBffVars(urls.cognito, urls.service, tokenSource)),
        ],
      },
    ]
      // COGNITO=real: no cognito-local, and the configs' own values (scripts/dev-real-pool.mjs).
      .filter((worker) => !realPool || worker.name !== "cognito")
      .map((worker) =>
        realPool
          ? {
              ...worker,
              args: [
                "-c",
                worker.name === "bff" ? "workers/bff/wrangler.toml" : serviceConfig,
                "--port",
                String(worker.port),
                ...(worker.name === "bff" ? vars({ MY_SERVICE_URL: urls.service }) : []),
              ],
            }
          : worker,
      )
      .map((worker) => ({
        ...worker,
        args: [
          "dev",
          ...worker.args,
          ...common,
          ...Object.entries(extraVars[worker.name] ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
        ],
      }))
  );
}

/**
 * Starts the stack. Resolves once every worker has said it is ready.
 * @param {{ ports?: Partial<typeof DEFAULT_PORTS>, persistTo?: string, env?: Record<string,string>,
 *           extraVars?: Record<string, Record<string, string>>, serviceConfig?: string,
 *           tokenSource?: "token-endpoint" | "get-client-token", realPool?: boolean, signal?: AbortSignal,
 *           onLine?: (worker: string, line: string) => void, readyTimeoutMs?: number }} options
 */
export async function startStack(options = {}) {
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  // wrangler dev reads the dev-only secrets from .dev.vars: without them MyBFF has no
  // client secret, and on a fresh clone nothing but npm run dev would have made them.
  ensureDevVars();
  const wrangler = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
  const workers = workerCommands(ports, options.persistTo, options.extraVars, options.serviceConfig, options.tokenSource, options.realPool);
  const children = [];
  // Set once the start is given up (timeout, a failure, options.signal): no worker starts after it.
  let givenUp = false;
  const spawnOnce = async (worker) => {
    const inspectorPort = String(await freePort());
    if (givenUp) throw new Error("the stack's start was given up");
    const child = spawn(process.execPath, [wrangler, ...worker.args, "--inspector-port", inspectorPort], {
      cwd: ROOT,
      env: { ...process.env, ...WRANGLER_ENV, NO_COLOR: "1", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // own process group, so stopping it also stops workerd
    });
    const recent = [];
    const ready = new Promise((resolve, reject) => {
      let buffered = "";
      const onData = (chunk) => {
        buffered += chunk.toString();
        for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
          const line = buffered.slice(0, newline).replace(/\s+$/, "");
          buffered = buffered.slice(newline + 1);
          if (line) {
            options.onLine?.(worker.name, line);
            recent.push(line);
            if (recent.length > 15) recent.shift();
          }
          if (line.includes("Ready on")) resolve();
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.on("exit", (code) =>
        reject(
          new Error(`${worker.name} (wrangler dev) exited with code ${code} before it was ready; its last lines:\n${recent.join("\n")}`),
        ),
      );
    });
    children.push({ ...worker, child, ready });
    return ready;
  };
  // A port found free can be taken by another program before wrangler binds it (the
  // inspector's, when tests start workers side by side): a worker that exits before it
  // is ready is started again, twice at most.
  const spawnWorker = async (worker) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await spawnOnce(worker);
      } catch (error) {
        if (attempt >= 3) throw error;
        const failed = children.findIndex((c) => c.name === worker.name && c.child.exitCode !== null);
        if (failed >= 0) await stopChildren(children.splice(failed, 1)); // its workerd may outlive it
      }
    }
  };
  // MyBFF starts once MyService is up: its service binding then finds MyService in
  // the dev registry at once, instead of failing its first requests while it connects.
  const startInOrder = async () => {
    const [bff, ...upstream] = [workers.find((w) => w.name === "bff"), ...workers.filter((w) => w.name !== "bff")];
    await Promise.all(upstream.map(spawnWorker));
    await spawnWorker(bff);
  };

  const stopChildren = (list) =>
    Promise.all(
      list.map(
        ({ child }) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", resolve);
            try {
              process.kill(-child.pid, "SIGTERM");
            } catch {
              resolve();
            }
            setTimeout(() => {
              try {
                process.kill(-child.pid, "SIGKILL");
              } catch {
                /* already gone */
              }
            }, 5000).unref();
          }),
      ),
    );
  const stop = () => stopChildren(children);
  /** Stops one worker (cognito, service or bff), as if it went down. */
  const stopWorker = (name) => stopChildren(children.filter((c) => c.name === name));

  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  let timer;
  try {
    await Promise.race([
      startInOrder(),
      // Ctrl-C while starting: what has started is stopped below, not left running.
      new Promise((_, reject) => {
        if (options.signal?.aborted) reject(new Error("stopped while starting"));
        options.signal?.addEventListener("abort", () => reject(new Error("stopped while starting")), { once: true });
      }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the stack was not ready within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    givenUp = true;
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const exited = Promise.race(
    children.map(({ name, child }) => new Promise((resolve) => child.on("exit", (code) => resolve({ name, code })))),
  );
  return { ports, urls: stackUrls(ports), stop, stopWorker, exited };
}
