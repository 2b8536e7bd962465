// MyService's /docs in a real browser: Swagger UI renders from the worker's own
// assets (no CDN: every request the page makes stays on 127.0.0.1), shows the
// operation with its lock, and a screenshot is kept in test-results/.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCREENSHOTS, useStackAndBrowser } from "../support/browser";

const PORTS = { cognito: 28789, service: 28787, bff: 28788 };
const local = useStackAndBrowser(PORTS);

describe("MyService /docs", () => {
  it("renders the operation with its lock, from the worker alone", async () => {
    const page = await local.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));

    const response = await page.goto(`${local.stack.urls.service}/docs`);
    expect(response?.status()).toBe(200);
    const operation = page.locator(".opblock-summary-path", { hasText: "/weatherforecast" });
    await operation.waitFor({ timeout: 20_000 });
    await expect(page.locator(".opblock-summary-method").first().textContent()).resolves.toBe("GET");
    // The lock of a secured operation, and the Authorize button of the oauth2 scheme.
    await expect(page.locator(".opblock .authorization__btn").count()).resolves.toBeGreaterThan(0);
    await expect(page.locator(".btn.authorize").count()).resolves.toBe(1);

    await page.screenshot({ path: join(SCREENSHOTS, "service-docs.png"), fullPage: true });
    expect(requested.length).toBeGreaterThan(3);
    expect(requested.filter((url) => !url.startsWith(local.stack.urls.service))).toEqual([]);
    await page.close();
  });
});
