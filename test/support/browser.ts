// Debian's Chromium driven by playwright-core: `npx playwright install` cannot
// download a browser here, so the system one is used, with flags that keep it off
// the network.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
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
