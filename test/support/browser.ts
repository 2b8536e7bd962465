// Debian's Chromium driven by playwright-core: `npx playwright install` cannot
// download a browser here, so the system one is used, with flags that keep it off
// the network.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { startTestStack, type Stack } from "./test-stack";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-sync",
    ],
  });
}

/** Where the browser tests save their screenshots. */
export const SCREENSHOTS = join(import.meta.dirname, "..", "..", "test-results");

/**
 * For a browser test file: its own local stack and a Chromium, started before its
 * tests and stopped after them. Read `.stack` and `.browser` inside the tests.
 */
export function useStackAndBrowser(ports: { cognito: number; service: number; bff: number }) {
  const context = {} as { stack: Stack; browser: Browser };
  let dispose: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ stack: context.stack, dispose } = await startTestStack(ports));
    context.browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await context.browser?.close();
    await dispose?.();
  });
  return context;
}

/**
 * Every Content-Security-Policy violation the page reports, seen two ways: the
 * `securitypolicyviolation` events of the document (listened to before any script
 * of the page runs) and Chromium's console errors about the policy. Call before
 * `page.goto`; read with `await violations()` (which should be `[]`).
 */
export async function watchCspViolations(page: Page): Promise<() => Promise<string[]>> {
  const fromConsole: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) fromConsole.push(`console: ${message.text()}`);
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  return async () => {
    const fromEvents = await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
    return [...fromEvents.map((line) => `event: ${line}`), ...fromConsole];
  };
}

/**
 * The headers every page and asset of the workers must carry (public/_headers):
 * a policy with no inline script or style and no other origin, no framing, no
 * sniffing, no referrer.
 */
export function expectPageSecurityHeaders(url: string, headers: Record<string, string>) {
  const csp = headers["content-security-policy"] ?? "";
  expect([url, csp]).toEqual([url, expect.stringContaining("frame-ancestors 'none'")]);
  expect([url, csp]).toEqual([url, expect.stringContaining("script-src 'self'")]);
  expect([url, csp]).toEqual([url, expect.not.stringMatching(/unsafe-inline|unsafe-eval|https?:|\*/)]);
  expect([url, headers["x-content-type-options"]]).toEqual([url, "nosniff"]);
  expect([url, headers["referrer-policy"]]).toEqual([url, "no-referrer"]);
}
