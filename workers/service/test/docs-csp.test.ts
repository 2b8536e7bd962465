// /docs (Swagger UI) may connect to its own origin and to the token endpoint, for the
// Authorize button: exactly that endpoint's origin, read from COGNITO_TOKEN_URL when
// the worker starts. No wildcard that any AWS customer can fill
// (`https://*.amazoncognito.com`), no loopback port range outside the local stack.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import app from "../src/index";

const POOL = "us-east-1_AbCdEfGhI";
const TOKEN_URL = "https://acme.auth.us-east-1.amazoncognito.com/oauth2/token";
const withPool = (extra: Record<string, unknown> = {}) =>
  ({ ...env, COGNITO_ISSUER: "", COGNITO_USER_POOL_ID: POOL, COGNITO_TOKEN_URL: TOKEN_URL, ...extra }) as Env;

function directives(response: Response): Record<string, string[]> {
  return Object.fromEntries(
    (response.headers.get("Content-Security-Policy") ?? "")
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name!, values]),
  );
}

afterEach(() => vi.restoreAllMocks());

describe("the /docs page's Content-Security-Policy", () => {
  it.each(["/docs/", "/docs/init.js", "/docs/vendor/swagger-ui.css"])(
    "lets %s connect to this origin and the production token endpoint's origin, nothing else",
    async (path) => {
      const response = await app.fetch(new Request(`https://myservice.example${path}`), withPool());
      expect(response.status).toBe(200);
      await response.body?.cancel();
      const policy = directives(response);
      expect(policy["connect-src"]).toEqual(["'self'", "https://acme.auth.us-east-1.amazoncognito.com"]);
      expect(policy["script-src"]).toEqual(["'self'"]);
      expect(policy["frame-ancestors"]).toEqual(["'none'"]);
      expect(response.headers.get("Content-Security-Policy")).not.toMatch(/\*|127\.0\.0\.1|unsafe-/);
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
      expect(response.headers.get("Strict-Transport-Security")).toBe("max-age=31536000; includeSubDomains");
    },
  );

  it("follows a custom domain's token endpoint, with no configure step", async () => {
    const response = await app.fetch(
      new Request("https://myservice.example/docs/"),
      withPool({ COGNITO_TOKEN_URL: "https://auth.example.com/oauth2/token" }),
    );
    await response.body?.cancel();
    expect(directives(response)["connect-src"]).toEqual(["'self'", "https://auth.example.com"]);
  });

  it("allows cognito-local's exact loopback origin in the local stack, no port range", async () => {
    const response = await app.fetch(new Request("http://127.0.0.1:8787/docs/"), env);
    expect(response.status).toBe(200);
    await response.body?.cancel();
    expect(directives(response)["connect-src"]).toEqual(["'self'", new URL(env.COGNITO_TOKEN_URL).origin]);
    expect(response.headers.has("Strict-Transport-Security")).toBe(false);
  });

  it("answers 500 misconfigured, not a page with a wider policy, when the settings are broken", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await app.fetch(
      new Request("https://myservice.example/docs/"),
      withPool({ COGNITO_TOKEN_URL: "javascript:alert(1)" }),
    );
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("javascript");
  });
});
