// Debian's Chromium driven by playwright-core: `npx playwright install` cannot
// download a browser here, so the system one is used, with flags that keep it off
// the network. With no browser on the machine, the browser suites are skipped with
// a one-line reason (so that `npm test` passes with Node and npm alone), unless
// REQUIRE_BROWSER=1 (what .ci/run sets), which makes a missing browser a failure.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { type Stack, startTestStack } from "./test-stack";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Why the browser suites cannot run here, in one line that says how to get a browser; undefined when they can. */
const browserMissing: string | undefined = existsSync(CHROMIUM_PATH)
  ? undefined
  : `no Chromium at ${CHROMIUM_PATH}${process.env.CHROMIUM_PATH ? " (CHROMIUM_PATH)" : ""}: apt-get install -y chromium, or CHROMIUM_PATH=/path/to/chromium-or-chrome npm test`;

const browserRequired = process.env.REQUIRE_BROWSER === "1";

async function launchChromium(): Promise<Browser> {
  if (browserMissing) throw new Error(`${browserMissing} (REQUIRE_BROWSER=1: a missing browser fails the browser suites)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
}

/** Where the browser tests save their screenshots. */
export const SCREENSHOTS = join(import.meta.dirname, "..", "..", "test-results");

/**
 * For a browser test file: its own local stack and a Chromium, started before its
 * tests and stopped after them. Read `.stack` and `.browser` inside the tests.
 * With no browser found (and REQUIRE_BROWSER unset), every test of the file is
 * skipped with the reason {@link browserMissing} gives, and nothing is started.
 * Every page opened with `.browser.newPage()` is watched for Content-Security-Policy
 * violations, and a test that leaves one unclaimed fails (see
 * {@link watchCspViolations}; `cspViolations(page).take()` claims them).
 */
export function useStackAndBrowser(ports: { cognito: number; service: number; bff: number }) {
  const context = {} as { stack: Stack; browser: Browser };
  let dispose: (() => Promise<void>) | undefined;
  const watched: CspViolations[] = [];
  if (browserMissing && !browserRequired) {
    // Each test is reported as skipped with the reason (a skip note, which the verbose
    // reporter shows), and no stack is started for nothing. The default reporter shows
    // only "n skipped" and hides the tests' console output, so the reason is also
    // written to stderr, which the test process shares with vitest's.
    process.stderr.write(`browser tests skipped: ${browserMissing}\n`);
    beforeEach((test) => test.skip(browserMissing));
    return context;
  }
  beforeAll(async () => {
    // The browser first: a missing one fails before three wrangler dev processes start.
    const browser = await launchChromium();
    context.browser = browser;
    ({ stack: context.stack, dispose } = await startTestStack(ports));
    const newPage = browser.newPage.bind(browser);
    browser.newPage = async (options) => {
      const page = await newPage(options);
      watched.push(await watchCspViolations(page));
      return page;
    };
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterEach(() => {
    const unclaimed = watched.splice(0).flatMap((violations) => violations.take());
    expect(unclaimed, "Content-Security-Policy violations").toEqual([]);
  });
  afterAll(async () => {
    await context.browser?.close();
    await dispose?.();
  });
  return context;
}

export interface CspViolations {
  /** What was reported so far. */
  list(): string[];
  /** What was reported so far, which the test then owns (the check after the test skips it). */
  take(): string[];
}

const WATCHERS = new WeakMap<Page, CspViolations>();

/** The violations watched on a page of {@link useStackAndBrowser}'s browser. */
export function cspViolations(page: Page): CspViolations {
  const watcher = WATCHERS.get(page);
  if (!watcher) throw new Error("this page is not watched: open it with useStackAndBrowser's browser.newPage()");
  return watcher;
}

/**
 * Every Content-Security-Policy violation the page reports, seen two ways: the
 * `securitypolicyviolation` events of its documents (listened to before any script
 * of the page runs, and passed to Node at once, so nothing is lost when the page
 * navigates or closes) and Chromium's console messages about the policy. Attach
 * before `page.goto`.
 */
async function watchCspViolations(page: Page): Promise<CspViolations> {
  const seen: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(`console: ${message.text()}`);
  });
  await page.exposeFunction("__reportCspViolation", (line: string) => seen.push(`event: ${line}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { __reportCspViolation: (line: string) => void }).__reportCspViolation;
      report(`${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  const watcher: CspViolations = { list: () => [...seen], take: () => seen.splice(0) };
  WATCHERS.set(page, watcher);
  return watcher;
}

/** What a page's policy lets it connect to, besides nothing else from elsewhere. */
export const PAGE_CONNECT_SRC = {
  /** MyBFF's page and docs: their own origin. */
  bff: ["'self'"],
  /** MyService's docs: also the token endpoint's origin, for Authorize (the stack's cognito-local). */
  serviceDocs: (cognitoUrl: string) => ["'self'", new URL(cognitoUrl).origin],
};

/**
 * The headers every page and asset of the workers must carry (public/_headers):
 * a policy with no inline script or style, no eval, nothing from another origin
 * (but what `connectSrc` lists), no framing; no sniffing, no referrer.
 */
export function expectPageSecurityHeaders(url: string, headers: Record<string, string>, connectSrc: string[]) {
  const policy = Object.fromEntries(
    (headers["content-security-policy"] ?? "")
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name!, values]),
  );
  expect([url, policy["frame-ancestors"]]).toEqual([url, ["'none'"]]);
  expect([url, policy["script-src"]]).toEqual([url, ["'self'"]]);
  expect([url, policy["style-src"]]).toEqual([url, ["'self'"]]);
  expect([url, policy["connect-src"]]).toEqual([url, connectSrc]);
  for (const [name, values] of Object.entries(policy)) {
    if (name === "connect-src") continue;
    for (const value of values) expect([url, name, value]).toEqual([url, name, expect.stringMatching(/^('self'|'none'|data:)$/)]);
  }
  expect([url, headers["x-content-type-options"]]).toEqual([url, "nosniff"]);
  expect([url, headers["referrer-policy"]]).toEqual([url, "no-referrer"]);
}
