// `npm run reliability`: the hostile-input and fault suites at full size (the attack
// corpus, 10,000 fuzz cases per property, every fault test), then the load runs
// (20 s at 50 connections each), and RELIABILITY.md written from what they measured.
// Exits non-zero when anything failed. Shows its progress on stderr (scripts/progress.mjs).
//
// `npm run reliability -- --quick` checks the harness, not the figures, in a few
// minutes (CI's fresh-clone check runs it): every stage at a small size, the attack
// corpus and fuzzing but not the fault suites (`npm test` runs those), no target
// judged and nothing written. It fails only when a test fails or a stage cannot run.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { buildWorker } from "../build-workers.mjs";
import { recordReliability } from "../figure-blocks.mjs";
import { ROOT, WRANGLER_ENV } from "../local-stack.mjs";
import { createProgress } from "../progress.mjs";
import { measureBindingHolder, measureKvWriter } from "./adversaries.mjs";
import { measureJwksFlood } from "./jwks-flood.mjs";
import { runLoad } from "./load.mjs";
import { machine } from "./machine.mjs";
import { measureRateLimit } from "./rate-limit.mjs";
import { measureTokenFaults, tokenFaultsOk } from "./token-faults.mjs";
import { measureTokenStorm } from "./token-storm.mjs";

const QUICK = process.argv.includes("--quick");
const FUZZ_RUNS = QUICK ? 50 : 10_000;
const FUZZ_PROPERTIES = 3;
const LOAD = QUICK ? { durationSeconds: 2, connections: 10 } : { durationSeconds: 20, connections: 50 };
const FLOOD = QUICK ? { durationMs: 8_000, kids: 100, rotateAtMs: 4_000 } : { durationMs: 60_000, kids: 1_000, rotateAtMs: 32_517 };
const OUTAGE_SECONDS = QUICK ? 5 : 60;
const TOKEN_FAULTS = QUICK ? { plantedSeconds: 3, rotationRequests: 4 } : {};
const ADVERSARIES = QUICK ? { rounds: 1, isolates: 2, holderSeconds: 3 } : { rounds: 5, isolates: 6, holderSeconds: 30 };
const reportPath = join(ROOT, ".build", "reliability-tests.json");

const SUITES = {
  corpus: "workers/service/test/attack-corpus.test.ts",
  fuzz: "test/shared/fuzz/authorization-fuzz.test.ts",
  faults: [
    "test/shared/jwks/remote-jwks.test.ts",
    "test/shared/client-credentials/client-credentials-token-cache.test.ts",
    "test/shared/client-credentials/request-token.test.ts",
    "test/shared/client-credentials/token-backoff.test.ts",
    "test/shared/jwks/key-changes.test.ts",
    "test/shared/jwks/jwks-flood.test.ts",
    "test/shared/jwks-sharing/shared-key-set.test.ts",
    "workers/bff/test/jwks-sharing.test.ts",
    "workers/service/test/authorization.test.ts",
    "workers/bff/test/faults.test.ts",
    "workers/bff/test/token-lifecycle.test.ts",
    "workers/bff/test/token-sharing.test.ts",
    "workers/bff/test/token-refusal.test.ts",
    "test/shared/client-credentials/token-coordinator.test.ts",
    "workers/bff/test/token-coordinator.test.ts",
    "test/shared/client-credentials/planted-backoff.test.ts",
    "test/shared/client-credentials/oversized-kv-value.test.ts",
    "workers/bff/test/token-rotation.test.ts",
    "workers/bff/test/get-client-token.test.ts",
    "workers/bff/test/secret-rotation.test.ts",
  ],
  verifier: [
    "test/shared/cognito/cognito-verifier.test.ts",
    "test/shared/cognito/multi-issuer.test.ts",
    "test/shared/hono/access-token-auth.test.ts",
  ],
};

const progress = createProgress(QUICK ? "reliability --quick" : "reliability", [
  {
    id: "suites",
    label: QUICK ? `attack corpus and fuzzing (FUZZ_RUNS=${FUZZ_RUNS})` : `suites at full size (FUZZ_RUNS=${FUZZ_RUNS})`,
    seconds: QUICK ? 30 : 100,
  },
  {
    id: "load",
    label: `load, ${LOAD.durationSeconds} s at ${LOAD.connections} connections per run`,
    seconds: 3 * LOAD.durationSeconds + 20,
  },
  {
    id: "flood",
    label: `JWKS flood: ${FLOOD.kids.toLocaleString("en")} unknown kids in ${FLOOD.durationMs / 1000} s, a key rotated in`,
    seconds: FLOOD.durationMs / 1000 + 5,
  },
  {
    id: "storm",
    label: `token storm: MyService refusing, ${OUTAGE_SECONDS} s token-source outage (token endpoint, then GetClientToken)`,
    seconds: QUICK ? 60 : 220,
  },
  {
    id: "tokenfaults",
    label: "token faults: a planted back-off record, a key rotation with the coordinator off and on (both token sources)",
    seconds: QUICK ? 60 : 120,
  },
  {
    id: "adversaries",
    label: `a KV writer (24 MiB values, a replayed record) and a coordinator binding holder (${ADVERSARIES.holderSeconds} s of forced renewals)`,
    seconds: ADVERSARIES.holderSeconds + (QUICK ? 20 : 40),
  },
  {
    id: "ratelimit",
    label: `MyBFF rate limit, ${LOAD.durationSeconds} s at ${LOAD.connections} connections from one address`,
    seconds: 40,
  },
]);

/**
 * Runs vitest on the files; its output goes through the progress display, and each
 * finished file moves the bar. Resolves with vitest's exit code.
 */
function runSuites(files) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, "node_modules/vitest/vitest.mjs"),
        "run",
        ...files,
        "--reporter=json",
        `--outputFile=${reportPath}`,
        "--reporter=default",
      ],
      { cwd: ROOT, env: { ...process.env, ...WRANGLER_ENV, FUZZ_RUNS: String(FUZZ_RUNS) }, stdio: ["ignore", "pipe", "pipe"] },
    );
    const finished = new Set();
    let pending = "";
    const onData = (chunk) => {
      pending += chunk.toString();
      for (let newline = pending.indexOf("\n"); newline >= 0; newline = pending.indexOf("\n")) {
        const line = pending.slice(0, newline).replace(/\s+$/, "");
        pending = pending.slice(newline + 1);
        // vitest's default reporter ends each file with a line naming it and its test count.
        const plain = stripVTControlCharacters(line);
        const file = files.find((f) => plain.includes(f) && /\(\d+ tests?/.test(plain));
        if (line) progress.log(line);
        if (file) {
          finished.add(file);
          progress.step(finished.size, files.length, `${finished.size} of ${files.length} files`);
        }
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });
}

const files = QUICK ? [SUITES.corpus, SUITES.fuzz] : [SUITES.corpus, SUITES.fuzz, ...SUITES.faults, ...SUITES.verifier];
progress.start("suites");
if ((await runSuites(files)) !== 0) {
  progress.log("some tests failed: see above (RELIABILITY.md is written with the failures counted)");
}
const report = JSON.parse(readFileSync(reportPath, "utf8"));
const results = report.testResults.flatMap((file) =>
  file.assertionResults.map((test) => ({ file: file.name.replace(`${ROOT}/`, ""), title: test.title, status: test.status })),
);
const inFile = (names) => results.filter((r) => [].concat(names).includes(r.file));
const passed = (list) => list.filter((r) => r.status === "passed").length;

const corpus = inFile(SUITES.corpus).filter((r) => /^(forgery|claims|encoding): /.test(r.title));
const families = ["forgery", "claims", "encoding"].map((family) => {
  const cases = corpus.filter((r) => r.title.startsWith(`${family}: `));
  return { family, cases: cases.length, asExpected: passed(cases) };
});
const fuzz = inFile(SUITES.fuzz);
const faults = inFile(SUITES.faults);
const verifier = inFile(SUITES.verifier);

progress.start("load");
const load = await runLoad({ ...LOAD, onStep: (done, total, detail) => progress.step(done, total, detail) });
progress.start("flood");
// Targets (issue #12): at most 12 JWKS fetches a minute, a rotated key accepted within 5 s.
const flood = await measureJwksFlood(FLOOD);
const floodOk = flood.jwksFetches <= 12 && flood.rotationPickupMs !== null && flood.rotationPickupMs <= 5_000;
progress.start("storm");
// MyBFF on each token source (issue 25): the same storms and faults, measured twice.
// Quick runs one: the harness is the same for both, and npm test covers both sources.
const TOKEN_SOURCES = [
  { id: "token-endpoint", name: "token endpoint" },
  { id: "get-client-token", name: "GetClientToken" },
].slice(0, QUICK ? 1 : 2);
const storms = [];
for (const [i, source] of TOKEN_SOURCES.entries()) {
  storms.push(
    await measureTokenStorm({
      outageSeconds: OUTAGE_SECONDS,
      tokenSource: source.id,
      onStep: (done, total, detail) => progress.step(i * total + done, TOKEN_SOURCES.length * total, `${source.name}: ${detail}`),
    }),
  );
}
const stormPassed = (storm) =>
  storm.refused.sequential.tokenRequests <= 2 &&
  storm.refused.concurrent.tokenRequests <= 2 &&
  storm.outage.recoveryToFirst200Ms !== null &&
  storm.outage.recoveryToFirst200Ms <= storm.backOffCapMs;
const stormOk = storms.every(stormPassed);
progress.start("tokenfaults");
const tokenFaultsBySource = [];
for (const [i, source] of TOKEN_SOURCES.entries()) {
  tokenFaultsBySource.push(
    await measureTokenFaults({
      ...TOKEN_FAULTS,
      tokenSource: source.id,
      onStep: (done, total, detail) => progress.step(i * total + done, TOKEN_SOURCES.length * total, `${source.name}: ${detail}`),
    }),
  );
}
const tokenFaultsPassed = tokenFaultsBySource.every(tokenFaultsOk);
// The MyBFF fault tests run for both sources, their titles starting with the source's name.
const faultsOf = (source) => faults.filter((r) => r.title.startsWith(`${source.name}: `));
progress.start("adversaries");
// SECURITY.md's KV writer and binding holder (issue 29): each costs what its row says, and no request fails.
const kvWriter = await measureKvWriter(ADVERSARIES);
progress.step(1, 2, "binding holder");
const holder = await measureBindingHolder({ seconds: ADVERSARIES.holderSeconds });
const adversariesOk =
  kvWriter.oversized.oversizedValuesLeft === 0 &&
  kvWriter.oversized.failedRequests === 0 &&
  kvWriter.oversized.tokenRequestsPerRound === 1 &&
  kvWriter.replay.failedRequests === 0 &&
  kvWriter.replay.tokenRequests <= kvWriter.replay.isolates &&
  holder.tokenRequests <= holder.maxTokenRequests &&
  holder.futureAskRefused &&
  holder.bffFailed === 0;
progress.start("ratelimit");
// The rate-limit run starts these from their bundles: built here, so that it rests on no earlier stage.
for (const worker of ["cognito-local", "service", "bff"]) buildWorker(worker);
// MyBFF's rate limit holds: no more 200s (and MyService calls) than the limiter's
// periods allow, every other answer a 429, one token request, another address served.
const limit = await measureRateLimit({ durationSeconds: LOAD.durationSeconds, connections: LOAD.connections });
const limitOk =
  limit.ok <= limit.maxAllowed &&
  limit.myServiceRequests <= limit.maxAllowed &&
  limit.limited > 0 &&
  limit.other === 0 &&
  limit.tokenRequests <= 1 &&
  limit.otherAddressStatus === 200;
progress.finish();
const m = machine();

const allPassed = results.every((r) => r.status === "passed");
if (QUICK) {
  console.log(
    `reliability --quick: every stage ran; ${passed(results)} of ${results.length} tests passed. ` +
      "Quick sizes say nothing about the targets: nothing judged, RELIABILITY.md left as it is (`npm run reliability` measures).",
  );
  process.exit(allPassed ? 0 : 1);
}
const loadOk =
  load.bff.non2xx === 0 &&
  load.bff.errors === 0 &&
  load.bff.tokenRequests === 1 &&
  load.service.non2xx === 0 &&
  load.service.errors === 0 &&
  load.forged.serverErrors === 0 &&
  load.leaks === 0;

const row = (cells) => `| ${cells.join(" | ")} |`;
const ok = allPassed && loadOk && floodOk && stormOk && tokenFaultsPassed && limitOk && adversariesOk;

function stormSection(storm, sourceName) {
  return `\`scripts/reliability/token-storm.mjs\` on the ${sourceName} (Miniflare, ${storm.outage.isolates} MyBFF isolates sharing KV):

| figure | measured | target |
| --- | --- | --- |
| token requests, MyService refusing MyBFF's tokens, 30 sequential requests | ${storm.refused.sequential.tokenRequests} | at most 2 |
| same, 50 concurrent requests | ${storm.refused.concurrent.tokenRequests} | at most 2 |
| token requests during a ${storm.outage.seconds} s outage of the ${sourceName}, ${storm.outage.connections} connections | ${storm.outage.tokenRequests} (${storm.outage.failedAttempts} back-off steps + ${storm.outage.firstAttemptRetries} in-call retries of first attempts) | at most 1 per back-off step per isolate |
| recovery to the first 200 | ${storm.outage.recoveryToFirst200Ms === null ? "never" : `${(storm.outage.recoveryToFirst200Ms / 1000).toFixed(1)} s`} | at most ${storm.backOffCapMs / 1000} s |
`;
}

function tokenFaultsSection(tokenFaults, sourceName) {
  return `\`scripts/reliability/token-faults.mjs\` on the ${sourceName} (the security review's cases, issue 24):

| figure | measured | target |
| --- | --- | --- |
| a back-off record planted without the secret: first 200 of the cold isolates after | ${tokenFaults.planted.firstOkMs === null ? "never" : `${tokenFaults.planted.firstOkMs} ms`} (${tokenFaults.planted.failedRequests} of ${tokenFaults.planted.requests} requests failed, ${tokenFaults.planted.tokenRequests} token requests) | at most one back-off period (${tokenFaults.backOffCapMs / 1000} s) |
| a key rotation dropping the old key, coordinator off: failed requests, token requests | ${tokenFaults.rotation.off.failedRequests} of ${tokenFaults.rotation.off.requests}, ${tokenFaults.rotation.off.tokenRequests} | - |
| same, coordinator on | ${tokenFaults.rotation.on.failedRequests} of ${tokenFaults.rotation.on.requests}, ${tokenFaults.rotation.on.tokenRequests} | no more than with it off |
`;
}
const md = `# Reliability

Measured by \`npm run reliability\` on ${m.date.slice(0, 10)} (${m.date}), on this
project's development machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node
${m.node}, workerd ${m.workerd} (wrangler ${m.wrangler}). Everything runs locally:
cognito-local stands in for Amazon Cognito. \`npm test\` runs the same suites at CI
size (500 fuzz cases per property, 3-second load runs).

## Summary

| what | result |
| --- | --- |
| forged or invalid requests accepted (attack corpus + fuzzing) | ${families.reduce((n, f) => n + (f.cases - f.asExpected), 0) + (fuzz.length - passed(fuzz))} (must be 0) |
| 5xx answers to hostile input (corpus, fuzzing, forged-token load run) | ${load.forged.serverErrors + (fuzz.length - passed(fuzz))} (must be 0) |
| requests lost under load (non-2xx or errors, valid tokens) | ${load.bff.non2xx + load.bff.errors + load.service.non2xx + load.service.errors} (must be 0) |
| fault, rotation and degradation tests passed | ${passed(faults)} of ${faults.length} |
| MyBFF token-source fault tests passed, per source | ${TOKEN_SOURCES.map((source) => `${source.name}: ${passed(faultsOf(source))} of ${faultsOf(source).length}`).join("; ")} |
| token requests for ${load.bff.requests.toLocaleString("en")} MyBFF requests | ${load.bff.tokenRequests} |
| JWKS downloads during ${load.forged.requests.toLocaleString("en")} forged-token requests | ${load.forged.jwksRequests} |
| secrets or tokens found in ${load.logLinesScanned.toLocaleString("en")} log lines of the stack | ${load.leaks} |
| JWKS fetches in 60 s of 1,000 unknown kids; a rotated key accepted after | ${flood.jwksFetches} (at most 12); ${flood.rotationPickupMs} ms (at most 5,000) |
${storms.map((storm, i) => `| token requests while MyService refuses MyBFF's tokens (30 sequential, 50 concurrent requests), ${TOKEN_SOURCES[i].name} | ${storm.refused.sequential.tokenRequests}, ${storm.refused.concurrent.tokenRequests} (at most 2 each) |`).join("\n")}
| MyBFF rate limit (${limit.limit} per ${limit.periodSeconds} s per address), ${limit.durationSeconds} s at ${limit.connections} connections from one address | ${limit.ok} × 200 (at most ${limit.maxAllowed}), ${limit.limited.toLocaleString("en")} × 429, ${limit.other} other; ${limit.myServiceRequests} MyService and ${limit.tokenRequests} token requests; another address: ${limit.otherAddressStatus} |
| KV writer: 24 MiB planted under the token and back-off keys, first request of the cold isolate that meets it; of the next one (median of ${kvWriter.oversized.rounds}) | ${kvWriter.oversized.plantedMs.median} ms; ${kvWriter.oversized.afterMs.median} ms (a cold isolate finding the token: ${kvWriter.oversized.tokenInKvMs.median} ms); ${kvWriter.oversized.tokenRequestsPerRound} token request per planting; oversized values left: ${kvWriter.oversized.oversizedValuesLeft} |
| KV writer: an old record whose token MyService refuses, replayed before each of ${kvWriter.replay.isolates} cold isolates | ${kvWriter.replay.tokenRequests} token requests, ${kvWriter.replay.myServiceRefusals} refused MyService calls, ${kvWriter.replay.failedRequests} failed requests |
| binding holder: another Worker forcing renewals through the coordinator for ${holder.seconds} s (${holder.asks.toLocaleString("en")} asks) | ${holder.tokenRequests} token requests (at most ${holder.maxTokenRequests}); a fresherThan in the future refused: ${holder.futureAskRefused ? "yes" : "**no**"}; MyBFF meanwhile: ${holder.bffFailed} of ${holder.bffRequests} requests failed |
| all suites passed | ${ok ? "yes" : "**no**"} |

## 1. Attack corpus against MyService

Each case is a named test (\`workers/service/test/attack-corpus.test.ts\`, cases in
\`test/attacks/corpus.ts\`) asserting the exact status and \`WWW-Authenticate\`
error, no 5xx, and no echo of the token. Claims attacks are signed with the pool's
real key, so only the claim check can refuse them.

${row(["family", "cases", "answered as expected"])}
${row(["---", "---", "---"])}
${families.map((f) => row([f.family, f.cases, f.asExpected])).join("\n")}

## 2. Fuzzing (fast-check)

${FUZZ_RUNS.toLocaleString("en")} cases per property, ${(FUZZ_RUNS * FUZZ_PROPERTIES).toLocaleString("en")} requests in all
(\`test/shared/fuzz/authorization-fuzz.test.ts\`): mutated valid tokens (a byte
changed, dropped or inserted, segments reordered or repeated), tokens re-signed with
one claim replaced by a random JSON value (accepted exactly when an independent
oracle says the claim is still valid), and random \`Authorization\` headers.
Properties: never a 5xx, never a 200 unless the token is byte for byte the valid
one, always a well-formed RFC 6750 challenge.

${row(["property", "result"])}
${row(["---", "---"])}
${fuzz.map((r) => row([r.title, r.status])).join("\n")}

## 3. Faults

${row(["scenario", "result"])}
${row(["---", "---"])}
${faults.map((r) => row([`${r.file.split("/").pop().replace(".test.ts", "")}: ${r.title}`, r.status])).join("\n")}

Verifier checks (every rejection code, configuration errors, RFC 6750 answers):
${passed(verifier)} of ${verifier.length} passed.

## 4. Load

On loopback against \`wrangler dev\` (the stack \`npm run dev\` starts), autocannon,
${LOAD.durationSeconds} s at ${LOAD.connections} connections per run. All three workers, wrangler's
proxies and autocannon share the ${m.cores} cores, and every request is logged by
wrangler dev: these are figures of this local stack, not of Cloudflare's edge.

${row(["run", "requests", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors"])}
${row(["---", "---", "---", "---", "---", "---", "---"])}
${[
  ["MyBFF GET /weatherforecast", load.bff],
  ["MyService, one valid token", load.service],
  ["MyService, a new forged token per request", load.forged],
]
  .map(([name, r]) => row([name, r.requests, r.requestsPerSecond, r.latencyMs.p50, r.latencyMs.p99, r.non2xx, r.errors]))
  .join("\n")}

Forged-token run: status codes ${JSON.stringify(load.forged.statusCodes)}; JWKS downloads ${load.forged.jwksRequests}.
MyBFF run: ${load.bff.tokenRequests} token request at cognito-local for ${load.bff.requests} requests.

## 5. JWKS flood

In workerd, in real time (\`scripts/reliability/jwks-flood.mjs\`): ${flood.forgedRequests.toLocaleString("en")} requests over
${flood.durationMs / 1000} s, each with a random unknown \`kid\` (all refused: ${JSON.stringify(flood.forgedCodes)}), while the
issuer rotates a new key in during the flood.

| figure | measured | target |
| --- | --- | --- |
| JWKS fetches | ${flood.jwksFetches} | at most 12 a minute |
| time from the new key's publication to its first accepted token | ${flood.rotationPickupMs} ms (${flood.genuineRefused} of its tokens refused before) | at most 5,000 ms |

## 6. Token storms

MyBFF runs each on both token sources: cognito-local's token endpoint and its
GetClientToken (\`POST /\`), the faults worker's gate standing in for each.

${storms.map((storm, i) => stormSection(storm, TOKEN_SOURCES[i].name)).join("\n")}
${tokenFaultsBySource.map((tokenFaults, i) => tokenFaultsSection(tokenFaults, TOKEN_SOURCES[i].name)).join("\n")}
## 7. Public front door

Rate limit: \`scripts/reliability/rate-limit.mjs\` runs the built MyBFF in Miniflare (its
\`[[ratelimits]]\` binding simulated, ${limit.limit} requests per ${limit.periodSeconds} s per address) with autocannon,
${limit.durationSeconds} s at ${limit.connections} connections, every request from one address (\`CF-Connecting-IP: 203.0.113.7\`).

| figure | measured | target |
| --- | --- | --- |
| requests | ${limit.requests.toLocaleString("en")} | |
| 200 | ${limit.ok} | at most ${limit.maxAllowed} (${limit.windows} periods touched × ${limit.limit}) |
| 429 (\`Retry-After: ${limit.retryAfter}\`) | ${limit.limited.toLocaleString("en")} | every other request |
| other answers | ${limit.other} | 0 |
| MyService requests | ${limit.myServiceRequests} | at most ${limit.maxAllowed} |
| token requests | ${limit.tokenRequests} | at most 1 |
| another address, then | ${limit.otherAddressStatus} | 200 |

Security headers are checked on every answer and page by the test suites (MyBFF in
Miniflare, MyService in workerd) and in Chromium under \`wrangler dev\`, where any
Content-Security-Policy violation fails the test.

## 8. A KV writer and a binding holder

\`scripts/reliability/adversaries.mjs\`, MyBFF on its token endpoint, in Miniflare. The two
adversaries of SECURITY.md that hold no secret: someone who can write \`TOKEN_CACHE\`, and
another Worker bound to MyBFF's token coordinator.

| attack | figure | measured | target |
| --- | --- | --- | --- |
| 24 MiB shaped like a sealed record, under the token key and the back-off key | first request of the cold isolate that meets it (median, range of ${kvWriter.oversized.rounds}) | ${kvWriter.oversized.plantedMs.median} ms (${kvWriter.oversized.plantedMs.min} to ${kvWriter.oversized.plantedMs.max}) | once per planting: the value is deleted unread |
| | first request of the next cold isolate | ${kvWriter.oversized.afterMs.median} ms (${kvWriter.oversized.afterMs.min} to ${kvWriter.oversized.afterMs.max}) | as a cold isolate that finds the token: ${kvWriter.oversized.tokenInKvMs.median} ms (${kvWriter.oversized.tokenInKvMs.min} to ${kvWriter.oversized.tokenInKvMs.max}) |
| | oversized values left under the keys after the first request; token requests per planting; failed requests | ${kvWriter.oversized.oversizedValuesLeft}; ${kvWriter.oversized.tokenRequestsPerRound}; ${kvWriter.oversized.failedRequests} | 0; 1; 0 |
| an old sealed record (its token refused by MyService since a key rotation) put back before each of ${kvWriter.replay.isolates} cold isolates | token requests; refused MyService calls; failed requests | ${kvWriter.replay.tokenRequests}; ${kvWriter.replay.myServiceRefusals}; ${kvWriter.replay.failedRequests} | at most one token request per cold isolate; 0 failed |
| asks for a token fresher than now and reports of the held token as refused, one after the other for ${holder.seconds} s | asks; token requests | ${holder.asks.toLocaleString("en")}; ${holder.tokenRequests} | at most ${holder.maxTokenRequests} (the first at once, then one per 10 s begun) |
| | an ask with \`fresherThan\` 9e15 | ${holder.futureAskRefused ? "refused, no token request" : "**answered**"} | refused |
| | MyBFF's requests meanwhile, one per 100 ms | ${holder.bffFailed} of ${holder.bffRequests} failed | 0 |

## 9. Secrets

The load runs capture every log line of the three workers (${load.logLinesScanned.toLocaleString("en")} lines):
${load.leaks} held the client secret, the valid token, or anything shaped like a JWT.
The corpus checks that no answer echoes the token; the MyBFF fault tests check every
answer body and log line for the secret and for tokens; the verifier's and token
client's tests check every error message.
`;
writeFileSync(join(ROOT, "RELIABILITY.md"), md);
// The run's headline figures, kept as RELIABILITY.json beside RELIABILITY.md (the README links both).
recordReliability({ machine: m, families, fuzz, faults, load, flood, ok });
console.log(`wrote RELIABILITY.md (${ok ? "all passed" : "FAILURES"})`);
process.exit(ok ? 0 : 1);
