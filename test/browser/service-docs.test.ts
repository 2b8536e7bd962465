// MyService's /docs in a real browser: Swagger UI renders from the worker's own
// assets (no CDN: every request the page makes stays on 127.0.0.1), shows the
// operation with its lock, runs under its Content-Security-Policy without a single
// violation (a violation fails the test), and every answer carries the security
// headers the worker sets (workers/service/src/security-headers.ts). A screenshot is kept in test-results/.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cspViolations, expectPageSecurityHeaders, PAGE_CONNECT_SRC, SCREENSHOTS, useStackAndBrowser } from "../support/browser";

const PORTS = { cognito: 28789, service: 28787, bff: 28788 };
const local = useStackAndBrowser(PORTS);

describe("MyService /docs", () => {
  it("renders the operation with its lock, from the worker alone, with no CSP violation", async () => {
    const page = await local.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requested: string[] = [];
    const answers: Array<{ url: string; headers: Record<string, string> }> = [];
    page.on("request", (request) => requested.push(request.url()));
    page.on("response", async (response) => answers.push({ url: response.url(), headers: await response.allHeaders() }));

    const response = await page.goto(`${local.stack.urls.service}/docs`);
    expect(response?.status()).toBe(200);
    const operation = page.locator(".opblock-summary-path", { hasText: "/weatherforecast" });
    await operation.waitFor({ timeout: 20_000 });
    await expect(page.locator(".opblock-summary-method").first().textContent()).resolves.toBe("GET");
    // The lock of a secured operation, and the Authorize button of the oauth2 scheme.
    await expect(page.locator(".opblock .authorization__btn").count()).resolves.toBeGreaterThan(0);
    await expect(page.locator(".btn.authorize").count()).resolves.toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, "service-docs.png"), fullPage: true });
    // Opening the operation renders its schema and example (more of Swagger UI's code paths).
    await operation.click();
    await page.locator(".opblock-body .responses-wrapper").waitFor({ timeout: 10_000 });
    // "Try it out" calls this origin (connect-src 'self'): with no token, MyService's 401.
    await page.locator(".try-out__btn").click();
    await page.locator(".btn.execute").click();
    await page.locator(".live-responses-table .response .response-col_status", { hasText: "401" }).waitFor({ timeout: 10_000 });
    // The Authorize dialog opens (its form is rendered under the policy too).
    await page.locator(".btn.authorize").click();
    await page.locator(".modal-ux").waitFor({ timeout: 10_000 });

    expect(requested.length).toBeGreaterThan(3);
    expect(requested.filter((url) => !url.startsWith(local.stack.urls.service))).toEqual([]);
    expect(cspViolations(page).list()).toEqual([]);
    // The page and its files (workers/service/src/security-headers.ts), and the worker's own answers (the
    // OpenAPI document, the 401 of "Try it out"; the middleware).
    const documents = answers.filter(({ url }) => new URL(url).pathname.startsWith("/docs/"));
    expect(documents.length).toBeGreaterThanOrEqual(4);
    for (const { url, headers } of documents)
      expectPageSecurityHeaders(url, headers, PAGE_CONNECT_SRC.serviceDocs(local.stack.urls.cognito));
    const apiAnswers = answers.filter(({ url }) => ["/openapi.json", "/weatherforecast"].includes(new URL(url).pathname));
    expect(apiAnswers).toHaveLength(2);
    for (const { headers } of apiAnswers) {
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    }
    await page.close();
  });
});
