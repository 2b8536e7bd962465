// Load runs on loopback against the local stack (`wrangler dev`, as `npm run dev`
// starts it), bounded in time, with autocannon:
//   1. MyBFF GET /weatherforecast: every request needs a token; one token request in all.
//   2. MyService GET /weatherforecast with one valid token (the BFF's case).
//   3. MyService with a different forged token on every request: no 5xx, and the
//      JWKS downloads stay bounded by the verifier's cooldown.
// Used by test/stack/load.test.ts (short) and `npm run reliability` (full size).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { DEV_CLIENT_SECRET, COGNITO_LOCAL_DEV_HEADERS as DEV_HEADERS } from "../dev-settings.mjs";
import { startStack } from "../local-stack.mjs";

const DEV_SECRET = DEV_CLIENT_SECRET;
const BFF_CLIENT_ID = "xe5xuz3azyo3g47nj1p5m3h2w6";

function run(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function summary(result) {
  return {
    durationSeconds: result.duration,
    connections: result.connections,
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count])),
  };
}

async function json(url, init) {
  const response = await fetch(url, init);
  return response.json();
}

const b64url = (text) => Buffer.from(text).toString("base64url");

/**
 * @param {{ durationSeconds: number, connections: number, ports?: object,
 *           onStep?: (done: number, total: number, detail: string) => void }} options
 *   onStep: told when each part starts (for a progress display)
 */
export async function runLoad({ durationSeconds, connections, ports = { cognito: 19789, service: 19787, bff: 19788 }, onStep = () => {} }) {
  onStep(0, 4, "starting the stack");
  const stateDir = mkdtempSync(join(tmpdir(), "load-"));
  const logs = [];
  const stack = await startStack({
    ports,
    persistTo: join(stateDir, "state"),
    env: { WRANGLER_REGISTRY_PATH: join(stateDir, "registry") },
    onLine: (worker, line) => logs.push(`[${worker}] ${line}`),
    // A load run from one address: MyBFF's per-address rate limit would answer 429.
    extraVars: { bff: { RATE_LIMIT: "off" } },
  });
  const { urls } = stack;
  try {
    const token = (
      await json(`${urls.cognito}/oauth2/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: BFF_CLIENT_ID, client_secret: DEV_SECRET }),
      })
    ).access_token;
    await fetch(`${urls.cognito}/_dev/stats/reset`, { method: "POST", headers: DEV_HEADERS });

    onStep(1, 4, "MyBFF GET /weatherforecast");
    const bff = summary(await run({ url: `${urls.bff}/weatherforecast`, connections, duration: durationSeconds }));
    const afterBff = await json(`${urls.cognito}/_dev/stats`, { headers: DEV_HEADERS });

    onStep(2, 4, "MyService, one valid token");
    const service = summary(
      await run({
        url: `${urls.service}/weatherforecast`,
        connections,
        duration: durationSeconds,
        headers: { Authorization: `Bearer ${token}` },
      }),
    );

    // Forged tokens: the valid payload under an unknown kid, or with a wrong signature, each one new.
    const [header, payload, signature] = token.split(".");
    const parsedHeader = JSON.parse(Buffer.from(header, "base64url").toString());
    let sequence = 0;
    const jwksBefore = (await json(`${urls.cognito}/_dev/stats`, { headers: DEV_HEADERS })).jwksRequests;
    onStep(3, 4, "MyService, forged tokens");
    const forgedStarted = Date.now();
    const forged = summary(
      await run({
        url: `${urls.service}/weatherforecast`,
        connections,
        duration: durationSeconds,
        requests: [
          {
            setupRequest: (request) => {
              sequence++;
              const forgedToken =
                sequence % 2 === 0
                  ? `${b64url(JSON.stringify({ ...parsedHeader, kid: `forged-${sequence}` }))}.${payload}.${signature}`
                  : `${header}.${payload}.${b64url(`not-a-signature-${sequence}`.padEnd(256, "x"))}`;
              return { ...request, headers: { ...request.headers, Authorization: `Bearer ${forgedToken}` } };
            },
          },
        ],
      }),
    );
    const jwksDuringForged = (await json(`${urls.cognito}/_dev/stats`, { headers: DEV_HEADERS })).jwksRequests - jwksBefore;
    const forgedMs = Date.now() - forgedStarted;

    const leaks = logs.filter((line) => line.includes(DEV_SECRET) || line.includes(token) || /eyJ[A-Za-z0-9_-]{20,}\.eyJ/.test(line));
    return {
      bff: { ...bff, tokenRequests: afterBff.tokensIssuedTotal },
      service,
      forged: {
        ...forged,
        jwksRequests: jwksDuringForged,
        // How long the forged run took, stats reads included: the refetch budget allows
        // one JWKS download per cooldown of it.
        durationMs: forgedMs,
        serverErrors: Object.entries(forged.statusCodes)
          .filter(([code]) => code >= "500")
          .reduce((n, [, c]) => n + c, 0),
      },
      logLinesScanned: logs.length,
      leaks: leaks.length,
    };
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
