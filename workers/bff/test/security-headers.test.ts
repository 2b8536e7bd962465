// MyBFF's security headers in Miniflare, on every kind of answer: the page and its
// assets and /docs (Workers static assets, public/_headers), and what the worker
// makes itself (the forecast, the OpenAPI document, a 404, a 429). HSTS is sent by
// the worker over https only. The Chromium tests (test/browser) check that the
// page and Swagger UI still work under this policy.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRateLimitedBff } from "#scripts/reliability/rate-limit.mjs";

type Bff = Awaited<ReturnType<typeof startRateLimitedBff>>;
let bff: Bff;
beforeAll(async () => {
  bff = await startRateLimitedBff({ ratelimit: { limit: 1, period: 60 } });
});
afterAll(() => bff?.dispose());

/** The directives of a Content-Security-Policy, by name. */
function directives(policy: string | null): Record<string, string[]> {
  expect(policy).toBeTruthy();
  return Object.fromEntries(
    policy!
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name!, values]),
  );
}

function expectCommonHeaders(headers: Pick<Headers, "get">) {
  const csp = headers.get("Content-Security-Policy");
  const policy = directives(csp);
  expect(policy["frame-ancestors"]).toEqual(["'none'"]);
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  expect(policy["default-src"]).toBeDefined();
  expect(headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(headers.get("X-Frame-Options")).toBe("DENY");
  return policy;
}

describe("static assets (public/_headers)", () => {
  it.each([
    "/",
    "/index.html",
    "/app.js",
    "/app.css",
    "/docs/",
    "/docs/init.js",
    "/docs/vendor/swagger-ui-bundle.js",
    "/docs/vendor/swagger-ui.css",
  ])("%s carries the policy of the page", async (path) => {
    const response = await bff.fetch(path);
    await response.body?.cancel();
    expect(response.status).toBe(200);
    const policy = expectCommonHeaders(response.headers);
    expect(policy["script-src"]).toEqual(["'self'"]);
    expect(policy["style-src"]).toEqual(["'self'"]);
    expect(policy["connect-src"]).toEqual(["'self'"]);
    // The powerful features the page does not use are denied to every origin (an empty allowlist).
    const features = Object.fromEntries(
      (response.headers.get("Permissions-Policy") ?? "").split(",").map((entry) => entry.trim().split("=") as [string, string]),
    );
    for (const feature of ["camera", "microphone", "geolocation", "payment", "usb", "serial", "bluetooth", "hid"]) {
      expect(features[feature], feature).toBe("()");
    }
    expect(Object.values(features).every((allowlist) => allowlist === "()")).toBe(true);
    // Rules cannot tell https from http, and the page must not send HSTS over plain http (dev).
    expect(response.headers.has("Strict-Transport-Security")).toBe(false);
  });

  it("is not itself served", async () => {
    const response = await bff.fetch("/_headers");
    await response.body?.cancel();
    expect(response.status).toBe(404);
  });
});

describe("answers of the worker", () => {
  it.each([
    ["the forecast", "/weatherforecast", 200, "application/json"],
    ["the OpenAPI document", "/openapi.json", 200, "application/json"],
    ["a 404", "/no-such-page", 404, "application/problem+json"],
  ])("%s carries the API policy, and HSTS only over https", async (_, path, status, type) => {
    const overHttp = await bff.fetch(path, { address: "198.51.100.1" });
    expect(overHttp.status).toBe(status);
    expect(overHttp.headers.get("Content-Type")?.split(";")[0]).toBe(type);
    await overHttp.body?.cancel();
    const policy = expectCommonHeaders(overHttp.headers);
    expect(policy["default-src"]).toEqual(["'none'"]);
    expect(overHttp.headers.has("Strict-Transport-Security")).toBe(false);

    const overHttps = await bff.fetch(path, { address: "198.51.100.2", origin: "https://mybff.example" });
    await overHttps.body?.cancel();
    expect(overHttps.status).toBe(status);
    expectCommonHeaders(overHttps.headers);
    expect(overHttps.headers.get("Strict-Transport-Security")).toBe("max-age=31536000; includeSubDomains");
  });

  it("the 404 is still the app's own problem", async () => {
    const response = await bff.fetch("/no-such-page");
    expect(await response.json()).toMatchObject({ status: 404, code: "not_found" });
  });

  it("a 429 carries them too", async () => {
    await (await bff.fetch("/weatherforecast", { address: "198.51.100.3" })).body?.cancel();
    const refused = await bff.fetch("/weatherforecast", { address: "198.51.100.3" });
    await refused.body?.cancel();
    expect(refused.status).toBe(429);
    expectCommonHeaders(refused.headers);
  });
});

describe("the OpenAPI document", () => {
  it("is the one MyBFF served before it was generated at build time, byte for byte", async () => {
    // test/fixtures/openapi/bff.json: captured when MyBFF built the document per request.
    const before = readFileSync(new URL("../../../test/fixtures/openapi/bff.json", import.meta.url), "utf8");
    const response = await bff.fetch("/openapi.json", { address: "198.51.100.1" });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(await response.text()).toBe(before);
  });
});
