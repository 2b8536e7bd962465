// MyBFF's page in a real browser: five days as a table and an SVG chart, no token
// anywhere in what the browser sees, and a clear message (with a retry) once
// MyService is stopped. Screenshots go to test-results/.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCREENSHOTS, useStackAndBrowser } from "../support/browser";

const PORTS = { cognito: 29789, service: 29787, bff: 29788 };
const local = useStackAndBrowser(PORTS);

describe("MyBFF's page", () => {
  it("shows five days as a table and a chart, and the browser sees no token", async () => {
    const page = await local.browser.newPage({ viewport: { width: 900, height: 900 } });
    const seen: string[] = [];
    page.on("response", async (response) => {
      seen.push(JSON.stringify(await response.allHeaders()), await response.text().catch(() => ""));
    });
    await page.goto(`${local.stack.urls.bff}/`);
    await page.locator("#rows tr").nth(4).waitFor({ timeout: 20_000 });
    await expect(page.locator("#rows tr").count()).resolves.toBe(5);
    await expect(page.locator("#chart circle").count()).resolves.toBe(5);
    await expect(page.locator("#chart polyline").count()).resolves.toBe(1);
    const firstDate = await page.locator("#rows tr td").first().textContent();
    expect(firstDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.screenshot({ path: join(SCREENSHOTS, "bff-page.png"), fullPage: true });
    expect(seen.join("\n")).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}|local-dev-secret/);
    await page.close();
  });

  it("says the service is unavailable, and when it retries, once MyService is stopped", async () => {
    await local.stack.stopWorker("service");
    const page = await local.browser.newPage({ viewport: { width: 900, height: 500 } });
    await page.goto(`${local.stack.urls.bff}/`);
    const status = page.locator("#status.error");
    await status.waitFor({ timeout: 20_000 });
    await expect(status.textContent()).resolves.toMatch(/weather service .*Trying again in \d+ s\./);
    await expect(page.locator("#forecast").isHidden()).resolves.toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, "bff-page-error.png"), fullPage: true });
    await page.close();
  });
});
