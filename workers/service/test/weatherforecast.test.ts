import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

async function devToken(): Promise<string> {
  const response = await fetch("http://127.0.0.1:8789/oauth2/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: "xe5xuz3azyo3g47nj1p5m3h2w6",
      client_secret: "local-dev-secret-not-for-production",
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

describe("GET /weatherforecast", () => {
  it("answers 401 with WWW-Authenticate: Bearer and no body without a token", async () => {
    const response = await SELF.fetch("http://myservice/weatherforecast");
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe("Bearer");
  });

  it("answers five records to a token from cognito-local", async () => {
    const response = await SELF.fetch("http://myservice/weatherforecast", {
      headers: { Authorization: `Bearer ${await devToken()}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveLength(5);
  });
});
