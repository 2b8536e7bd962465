// What a consumer pays to verify Cognito access tokens in a Worker: three Workers
// with the same behaviour (bench/consumers/*.ts: 200 with the token's client, or
// 401), one per library, each bundled by wrangler as `wrangler deploy` would, in
// the same run:
//   - size: what wrangler reports ("gzip"), with and without `--minify`;
//   - startup CPU: `wrangler check startup` (a CPU profile of the bundle's import in
//     workerd), and, since workerd's profiler samples too coarsely for bundles this
//     small, the wall time of that same import measured from outside.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Miniflare } from "miniflare";
import { COMPATIBILITY_DATE, COMPATIBILITY_FLAGS, WORKERS_RUNTIME } from "../scripts/dev-settings.mjs";
import { ROOT, WRANGLER_ENV } from "../scripts/local-stack.mjs";

const CONSUMERS = [
  { id: "ours", label: "edge-cc-auth CognitoAccessTokenVerifier", entry: "bench/consumers/ours.ts" },
  { id: "aws-jwt-verify", label: "aws-jwt-verify CognitoJwtVerifier", entry: "bench/consumers/aws-jwt-verify.ts" },
  { id: "jose", label: "jose jwtVerify + createRemoteJWKSet", entry: "bench/consumers/jose.ts" },
];

const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function wrangler(args, cwd) {
  return execFileSync(process.execPath, [WRANGLER, ...args], {
    cwd,
    env: { ...process.env, ...WRANGLER_ENV, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  }).toString();
}

/** The modules of a `wrangler deploy --outfile` bundle (multipart form data), as wrangler check startup reads it. */
async function bundleModules(file) {
  const bytes = readFileSync(file);
  const boundary = bytes.subarray(2, bytes.indexOf(10)).toString().trim();
  const form = await new Response(bytes, { headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` } }).formData();
  const metadata = JSON.parse(String(form.get("metadata")));
  const main = form.get(metadata.main_module);
  return { name: metadata.main_module, code: Buffer.from(await main.arrayBuffer()) };
}

/**
 * Builds one consumer with its own minimal wrangler config (a config of its own, so
 * that no binding or setting of this project's workers leaks into the bundle).
 */
async function build(consumer, dir, minify) {
  const config = join(dir, `${consumer.id}${minify ? "-min" : ""}.wrangler.json`);
  writeFileSync(
    config,
    JSON.stringify({
      name: `consumer-${consumer.id}`,
      main: join(ROOT, consumer.entry),
      compatibility_date: COMPATIBILITY_DATE,
      compatibility_flags: COMPATIBILITY_FLAGS,
      minify,
    }),
  );
  const outfile = join(dir, `${consumer.id}${minify ? "-min" : ""}.bundle`);
  const output = wrangler(["deploy", "--dry-run", "-c", config, "--outfile", outfile], dir);
  const reported = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
  if (!reported) throw new Error(`wrangler did not report the size of ${consumer.id}:\n${output}`);
  const { name, code } = await bundleModules(outfile);
  return {
    outfile,
    name,
    code,
    wranglerKiB: Number(reported[1]),
    wranglerGzipKiB: Number(reported[2]),
    gzip9KiB: round(gzipSync(code, { level: 9 }).length / 1024),
  };
}

/** `wrangler check startup` on a built bundle: the sampled CPU time of its import, in ms, and the sample count. */
function checkStartup(bundle, dir) {
  const outfile = join(dir, `profile-${Math.random().toString(36).slice(2)}.cpuprofile`);
  wrangler(["check", "startup", "--worker", bundle.outfile, "--outfile", outfile], dir);
  return profileCpu(outfile);
}

/** The CPU time a V8 CPU profile (the .cpuprofile `wrangler check startup` writes) spent out of idle, in ms, and its samples. */
export function profileCpu(file) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const idle = new Set(profile.nodes.filter((n) => ["(idle)", "(root)"].includes(n.callFrame.functionName)).map((n) => n.id));
  // Each sample stands for the time until the next one (the last: until the profile's end).
  const stamps = [];
  let at = profile.startTime;
  for (const delta of profile.timeDeltas) {
    at += delta;
    stamps.push(at);
  }
  let micros = 0;
  let samples = 0;
  profile.samples.forEach((id, i) => {
    if (idle.has(id)) return;
    samples++;
    micros += (stamps[i + 1] ?? profile.endTime) - stamps[i];
  });
  return { ms: micros / 1000, samples, profileMs: (profile.endTime - profile.startTime) / 1000 };
}

/**
 * The import of the bundle in a fresh workerd, timed from Node: the wall time of a
 * request that imports it, minus that of requests that import nothing. workerd does
 * not advance its own clock during computation, hence the outside clock.
 */
async function importMs(bundle) {
  const wrapper = `export default { async fetch(request) {
    if (new URL(request.url).pathname === "/import") {
      const module = await import("./${bundle.name}");
      if (typeof module.default?.fetch !== "function") throw new Error("not a worker");
    }
    return new Response("ok");
  } };`;
  const mf = new Miniflare({
    modulesRoot: "/",
    modules: [
      { type: "ESModule", path: "/bench-wrapper.mjs", contents: wrapper },
      { type: "ESModule", path: `/${bundle.name}`, contents: bundle.code },
    ],
    ...WORKERS_RUNTIME,
  });
  try {
    const time = async (path) => {
      const started = performance.now();
      await (await mf.dispatchFetch(`http://consumer${path}`)).text();
      return performance.now() - started;
    };
    const noop = [];
    for (let i = 0; i < 5; i++) noop.push(await time("/noop"));
    const imported = await time("/import");
    for (let i = 0; i < 5; i++) noop.push(await time("/noop"));
    return Math.max(0, imported - median(noop));
  } finally {
    await mf.dispose();
  }
}

/**
 * @param {{ quick?: boolean, progress?: { step(done: number, total: number, detail?: string): void } }} [options]
 */
export async function consumerCosts({ quick = false, progress } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "bench-consumers-"));
  const profiles = quick ? 1 : 3;
  const imports = quick ? 2 : 7;
  const steps = CONSUMERS.length * 2 + profiles + imports;
  let done = 0;
  const step = (detail) => progress?.step(done++, steps, detail);
  try {
    const built = [];
    for (const consumer of CONSUMERS) {
      step(`build ${consumer.id}`);
      const plain = await build(consumer, dir, false);
      step(`build ${consumer.id} --minify`);
      built.push({ consumer, plain, minified: await build(consumer, dir, true) });
    }
    // Interleaved rounds, so that a busy moment of the machine hits every consumer alike.
    const startup = new Map(built.map((b) => [b.consumer.id, { profiled: [], imports: [] }]));
    for (let r = 0; r < profiles; r++) {
      step(`wrangler check startup, round ${r + 1} of ${profiles}`);
      for (const b of built) startup.get(b.consumer.id).profiled.push(checkStartup(b.minified, dir));
    }
    for (let r = 0; r < imports; r++) {
      step(`import in a fresh workerd, round ${r + 1} of ${imports}`);
      for (const b of built) startup.get(b.consumer.id).imports.push(await importMs(b.minified));
    }
    return built.map(({ consumer, plain, minified }) => {
      const s = startup.get(consumer.id);
      return {
        id: consumer.id,
        label: consumer.label,
        rawKiB: round(plain.code.length / 1024),
        gzipKiB: plain.wranglerGzipKiB,
        minifiedRawKiB: round(minified.code.length / 1024),
        minifiedGzipKiB: minified.wranglerGzipKiB,
        startupProfileMs: round(median(s.profiled.map((p) => p.ms))),
        startupProfileSamples: s.profiled.map((p) => p.samples),
        importMs: round(median(s.imports)),
        importMsRange: [round(Math.min(...s.imports)), round(Math.max(...s.imports))],
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
