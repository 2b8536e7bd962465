// MyService's headers: every answer the worker makes carries the security headers
// (HSTS over https only); every answer of the protected route is private to its
// caller (Cache-Control: no-store, Vary: Authorization). /docs gets its own policy
// (docs-csp.test.ts); test/browser/service-docs.test.ts checks the page in Chromium.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tokenFor } from "#test/workerd/cognito-local-client.ts";

const BASE = "http://myservice";

function expectSecurityHeaders(headers: Headers, defaultSrc: string) {
  const csp = headers.get("Content-Security-Policy") ?? "";
  expect(csp).toContain(`default-src ${defaultSrc}`);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  expect(headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(headers.get("X-Frame-Options")).toBe("DENY");
}

describe("the authorized answer", () => {
  it("is 200 with Cache-Control: no-store and Vary: Authorization, and the security headers", async () => {
    const response = await SELF.fetch(`${BASE}/weatherforecast`, { headers: { Authorization: `Bearer ${await tokenFor()}` } });
    expect(response.status).toBe(200);
    await response.body?.cancel();
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Vary")).toBe("Authorization");
    expectSecurityHeaders(response.headers, "'none'");
    expect(response.headers.has("Strict-Transport-Security")).toBe(false);
  });

  it.each([
    ["no token", {}, 401],
    ["a malformed header", { Authorization: "Bearer" }, 400],
    ["a forged token", { Authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln" }, 401],
  ])("so is the refusal of %s", async (_, headers: Record<string, string>, status) => {
    const response = await SELF.fetch(`${BASE}/weatherforecast`, { headers });
    expect(response.status).toBe(status);
    await response.body?.cancel();
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Vary")).toBe("Authorization");
    expectSecurityHeaders(response.headers, "'none'");
  });
});

describe("the other answers of the worker", () => {
  it.each(["/openapi.json", "/no-such-page"])("%s carries the security headers, and HSTS only over https", async (path) => {
    const overHttp = await SELF.fetch(`${BASE}${path}`);
    await overHttp.body?.cancel();
    expectSecurityHeaders(overHttp.headers, "'none'");
    expect(overHttp.headers.has("Strict-Transport-Security")).toBe(false);

    const overHttps = await SELF.fetch(`https://myservice.example${path}`);
    await overHttps.body?.cancel();
    expectSecurityHeaders(overHttps.headers, "'none'");
    expect(overHttps.headers.get("Strict-Transport-Security")).toBe("max-age=31536000; includeSubDomains");
  });

  it("the OpenAPI document is public: no Vary on Authorization", async () => {
    const response = await SELF.fetch(`${BASE}/openapi.json`);
    await response.body?.cancel();
    expect(response.status).toBe(200);
    expect(response.headers.get("Vary")).toBeNull();
  });
});
