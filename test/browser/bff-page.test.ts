// MyBFF's page in a real browser: five days as a table and an SVG chart, no token
// anywhere in what the browser sees, and a clear message (with a retry) once
// MyService is stopped. Every answer carries the security headers, and the page
// runs under its Content-Security-Policy without a single violation (a violation
// fails the test). Screenshots go to test-results/.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cspViolations, expectPageSecurityHeaders, PAGE_CONNECT_SRC, SCREENSHOTS, useStackAndBrowser } from "../support/browser";

const PORTS = { cognito: 29789, service: 29787, bff: 29788 };
const local = useStackAndBrowser(PORTS);

describe("MyBFF's page", () => {
  it("shows five days as a table and a chart, under its policy, and the browser sees no token", async () => {
    const page = await local.browser.newPage({ viewport: { width: 900, height: 900 } });
    const seen: string[] = [];
    const answers: Array<{ url: string; headers: Record<string, string> }> = [];
    page.on("response", async (response) => {
      const headers = await response.allHeaders();
      answers.push({ url: response.url(), headers });
      seen.push(JSON.stringify(headers), await response.text().catch(() => ""));
    });
    await page.goto(`${local.stack.urls.bff}/`);
    await page.locator("#rows tr").nth(4).waitFor({ timeout: 20_000 });
    await expect(page.locator("#rows tr").count()).resolves.toBe(5);
    await expect(page.locator("#chart circle").count()).resolves.toBe(5);
    await expect(page.locator("#chart polyline").count()).resolves.toBe(1);
    const firstDate = await page.locator("#rows tr td").first().textContent();
    expect(firstDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The chart is drawn with its stylesheet applied (app.css from this origin).
    await expect(page.locator("#chart polyline").evaluate((line) => getComputedStyle(line).fill)).resolves.toBe("none");
    await page.screenshot({ path: join(SCREENSHOTS, "bff-page.png"), fullPage: true });
    expect(seen.join("\n")).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}|local-dev-secret/);

    expect(cspViolations(page).list()).toEqual([]);
    const paths = answers.map(({ url }) => new URL(url).pathname).sort();
    expect(paths).toEqual(["/", "/app.css", "/app.js", "/weatherforecast"]);
    for (const { url, headers } of answers) {
      if (new URL(url).pathname === "/weatherforecast") {
        expect(headers["x-content-type-options"]).toBe("nosniff");
        expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      } else {
        expectPageSecurityHeaders(url, headers, PAGE_CONNECT_SRC.bff);
      }
    }
    await page.close();
  });

  it("MyBFF's /docs renders Swagger UI with no violation", async () => {
    const page = await local.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const answers: Array<{ url: string; headers: Record<string, string> }> = [];
    page.on("response", async (response) => answers.push({ url: response.url(), headers: await response.allHeaders() }));
    await page.goto(`${local.stack.urls.bff}/docs/`);
    await page.locator(".opblock-summary-path", { hasText: "/weatherforecast" }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(SCREENSHOTS, "bff-docs.png"), fullPage: true });
    expect(cspViolations(page).list()).toEqual([]);
    for (const { url, headers } of answers.filter(({ url }) => !url.endsWith("/openapi.json")))
      expectPageSecurityHeaders(url, headers, PAGE_CONNECT_SRC.bff);
    await page.close();
  });

  it("the policy is enforced: an inline script is blocked and reported", async () => {
    // The check every browser test relies on: a violation is seen, and the script did not run.
    const page = await local.browser.newPage();
    await page.goto(`${local.stack.urls.bff}/`);
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.injected = true";
      document.body.append(script);
    });
    // Both ways of seeing it: the document's event and Chromium's console message.
    await expect
      .poll(() =>
        cspViolations(page)
          .list()
          .map((line) => line.split(":")[0])
          .sort()
          .join(),
      )
      .toBe("console,event");
    expect(cspViolations(page).take().join("\n")).toMatch(/script-src/);
    await expect(page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).resolves.toBeUndefined();
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
    expect(cspViolations(page).list()).toEqual([]);
    await page.close();
  });
});
