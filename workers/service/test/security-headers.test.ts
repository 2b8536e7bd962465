// MyService's headers: every answer the worker makes carries the security headers
// (HSTS over https only); every answer of the protected route is private to its
// caller (Cache-Control: no-store, Vary: Authorization). /docs gets its own policy
// (docs-csp.test.ts); test/browser/service-docs.test.ts checks the page in Chromium.
import { SELF } from "cloudflare:test";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { describe, expect, it } from "vitest";
import { HSTS } from "#kit/security-headers.ts";
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

describe("the workers' kit's security headers", () => {
  /** hono's `secureHeaders` with the options the kit once passed it, on an empty answer. */
  async function honoHeaders(origin: string) {
    const app = new Hono();
    app.use(
      secureHeaders({
        contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
        referrerPolicy: "no-referrer",
        xContentTypeOptions: "nosniff",
        xFrameOptions: "DENY",
        strictTransportSecurity: origin.startsWith("https:") ? HSTS : false,
      }),
    );
    app.get("*", (c) => c.body(null, 204));
    return [...(await app.request(`${origin}/`)).headers];
  }

  // The kit writes them out as constants (no secureHeaders call at startup): they must stay hono's, exactly.
  it.each([BASE, "https://myservice.example"])("are exactly hono's secureHeaders' with the same options (%s)", async (origin) => {
    const response = await SELF.fetch(`${origin}/no-such-page`);
    await response.body?.cancel();
    // The 404 problem's own headers aside.
    const ours = [...response.headers].filter(([name]) => name !== "content-type" && name !== "cache-control");
    expect(ours).toEqual(await honoHeaders(origin));
  });
});
