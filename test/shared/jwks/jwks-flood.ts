// The JWKS flood measurement: a verifier under a stream of tokens with random kids
// (1,000 a minute by default), while the issuer rotates in a genuine key partway.
// It counts the JWKS fetches the flood causes and the time from the new key's
// publication to the first acceptance of a token signed with it. The clock and the
// sleep are given: a fake clock in the `shared` tests, the real one in workerd from
// scripts/reliability/jwks-flood.mjs. No vitest import: the script bundles this file.
import { CognitoAccessTokenVerifier } from "../../../shared/cognito/cognito-verifier";
import { b64url, makeKey, TEST_CLIENT_ID, TestIssuer } from "../../workerd/test-issuer";

export interface FloodOptions {
  now: () => number;
  /** Waits until the clock reaches this time (ms since the epoch). */
  sleepUntil: (time: number) => Promise<void>;
  /** Length of the flood. Default 60 s. */
  durationMs?: number;
  /** Forged tokens sent, evenly spread over the flood, each with its own random kid. Default 1,000. */
  forgedKids?: number;
  /** When the issuer publishes the new key and starts signing with it, from the flood's start. */
  rotateAtMs: number;
  /** More key-set options of the verifier (e.g. a shared key set). */
  jwks?: Record<string, unknown>;
}

export interface FloodResult {
  durationMs: number;
  forgedRequests: number;
  /** JWKS fetches made during the flood (the first load, before it, not counted). */
  jwksFetches: number;
  /** Time from the new key's publication to the first acceptance of a token signed with it; null if never. */
  rotationPickupMs: number | null;
  /** Tokens of the new key refused before one was accepted. */
  genuineRefused: number;
  /** Refusal codes seen for the forged tokens. */
  forgedCodes: string[];
}

function forgedToken(issuer: string, kid: string): string {
  const header = b64url(JSON.stringify({ alg: "RS256", kid }));
  const now = Math.floor(Date.now() / 1000);
  const payload = b64url(JSON.stringify({ iss: issuer, token_use: "access", client_id: TEST_CLIENT_ID, exp: now + 3600, iat: now }));
  return `${header}.${payload}.${"A".repeat(342)}`;
}

/** Runs one flood and returns what it cost. */
export async function runJwksFlood(options: FloodOptions): Promise<FloodResult> {
  const { now, sleepUntil, durationMs = 60_000, forgedKids = 1_000, rotateAtMs } = options;
  const issuer = await TestIssuer.create();
  const verifier = new CognitoAccessTokenVerifier({
    issuer: issuer.issuer,
    clientIds: [TEST_CLIENT_ID],
    jwks: { fetch: issuer.fetch, ...options.jwks },
    now,
  });
  const pending: Promise<unknown>[] = [];
  const waitUntil = (promise: Promise<unknown>) => void pending.push(promise);
  await verifier.verify(await issuer.sign(), { waitUntil });

  const rotated = await makeKey("rotated-key");
  const genuine = await issuer.sign(issuer.claims(), { key: rotated });
  const forged = Array.from({ length: forgedKids }, () => forgedToken(issuer.issuer, crypto.randomUUID()));
  const codes = new Set<string>();
  const stepMs = durationMs / forgedKids;
  const start = now();
  const fetchesBefore = issuer.fetchCount;
  let publishedAt: number | null = null;
  let pickupMs: number | null = null;
  let genuineRefused = 0;

  for (let i = 0; i < forgedKids; i++) {
    await sleepUntil(start + i * stepMs);
    if (publishedAt === null && now() - start >= rotateAtMs) {
      issuer.published.push(rotated.publicJwk);
      publishedAt = now();
    }
    try {
      await verifier.verify(forged[i]!, { waitUntil });
      codes.add("accepted");
    } catch (error) {
      codes.add((error as { code?: string }).code ?? String(error));
    }
    if (publishedAt !== null && pickupMs === null) {
      try {
        await verifier.verify(genuine, { waitUntil });
        pickupMs = now() - publishedAt;
      } catch {
        genuineRefused++;
      }
    }
  }
  await Promise.all(pending);
  return {
    durationMs,
    forgedRequests: forgedKids,
    jwksFetches: issuer.fetchCount - fetchesBefore,
    rotationPickupMs: pickupMs,
    genuineRefused,
    forgedCodes: [...codes],
  };
}
