// MyService's /docs in Chromium, used as a developer would: "Authorize" with MyBFF's
// client id and secret (Swagger UI posts the client-credentials grant to the token
// URL of the OpenAPI document, cognito-local on another origin, which answers CORS
// as Cognito's token endpoint does), then "Try it out" on GET /weatherforecast:
// 200 and the forecast on the page. A screenshot of the answer is kept in
// test-results/. The page's Content-Security-Policy (set by the worker, workers/service/src/security-headers.ts)
// must allow connecting to the token endpoint's origin for this to work.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEV_CLIENT_ID } from "../../scripts/dev-settings.mjs";
import { SCREENSHOTS, useStackAndBrowser } from "../support/browser";
import { DEV_SECRET } from "../support/cognito-local";

const PORTS = { cognito: 27789, service: 27787, bff: 27788 };
const local = useStackAndBrowser(PORTS);

describe("MyService /docs: Authorize, then Try it out", () => {
  it("gets a token from cognito-local in the browser and shows the forecast", async () => {
    const page = await local.browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const tokenAnswers: Array<{ status: number; allowOrigin: string | null; method: string }> = [];
    page.on("response", (response) => {
      if (response.url() === `${local.stack.urls.cognito}/oauth2/token`) {
        tokenAnswers.push({
          status: response.status(),
          allowOrigin: response.headers()["access-control-allow-origin"] ?? null,
          method: response.request().method(),
        });
      }
    });
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });

    expect((await page.goto(`${local.stack.urls.service}/docs`))?.status()).toBe(200);
    await page.locator(".btn.authorize").first().click();
    const dialog = page.locator(".dialog-ux .modal-ux");
    await dialog.waitFor({ timeout: 20_000 });
    // Swagger UI names the inputs after the flow (client_id_clientCredentials).
    await dialog.locator("input[id^=client_id]").fill(DEV_CLIENT_ID);
    await dialog.locator("input[id^=client_secret]").fill(DEV_SECRET);
    await dialog.locator(".scopes a", { hasText: "select all" }).click();
    await dialog.locator("button.modal-btn.authorize").click();
    // Swagger UI swaps the button for "Logout" once it holds a token; an error is shown in the dialog.
    await dialog
      .locator("button.modal-btn", { hasText: "Logout" })
      .waitFor({ timeout: 20_000 })
      .catch(async (error: unknown) => {
        const shown = await dialog.locator(".errors").allTextContents();
        throw new Error(`Authorize failed: ${shown.join(" | ")} ${consoleErrors.join(" | ")}`, { cause: error });
      });
    expect(tokenAnswers.filter((a) => a.method === "POST")).toEqual([{ status: 200, allowOrigin: "*", method: "POST" }]);
    await dialog.locator("button.close-modal").click();

    const operation = page.locator(".opblock-get", { hasText: "/weatherforecast" });
    await operation.locator(".opblock-summary").click();
    await operation.locator("button.try-out__btn").click();
    await operation.locator("button.execute").click();
    const status = operation.locator(".live-responses-table .response .response-col_status").first();
    await status.waitFor({ timeout: 20_000 });
    expect((await status.textContent())?.trim()).toMatch(/^200/);
    const body = await operation.locator(".live-responses-table .response-col_description pre.microlight").first().textContent();
    const forecast = JSON.parse(body ?? "null") as Array<{ date: string; temperatureC: number; summary: string }>;
    expect(forecast).toHaveLength(5);
    expect(forecast[0]).toMatchObject({ date: expect.any(String), temperatureC: expect.any(Number) });
    // The request Swagger UI sent carries the token it got from cognito-local.
    await expect(operation.locator(".curl-command").first().textContent()).resolves.toContain("Authorization: Bearer ey");

    // The answer only: the curl command above it shows the token, which a screenshot must not keep.
    await operation
      .locator(".live-responses-table")
      .first()
      .screenshot({ path: join(SCREENSHOTS, "service-docs-authorize.png") });
    await page.close();
  });
});
