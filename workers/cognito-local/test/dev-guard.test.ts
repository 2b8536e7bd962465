// The /_dev routes answer tools on this machine only: a loopback Origin, or no Origin and
// the header X-Cognito-Local-Dev: 1, which a web page cannot send without a CORS preflight
// that cognito-local never grants (workers/cognito-local/src/loopback-only.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CognitoLocal, startCognitoLocal } from "#test/support/cognito-local.ts";

// Each file starts its own Miniflare: on a loaded machine that takes longer than vitest's defaults.
const START_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 30_000;

let cognito: CognitoLocal;
beforeAll(async () => {
  cognito = await startCognitoLocal();
}, START_TIMEOUT_MS);
afterAll(() => cognito?.dispose());

const rotate = (headers: Record<string, string>) => cognito.fetch("/_dev/keys/rotate", { method: "POST", headers });

describe("the /_dev guard", { timeout: TEST_TIMEOUT_MS }, () => {
  it("refuses a request with no Origin and no X-Cognito-Local-Dev header (what an image or a form of any page sends)", async () => {
    // An explicit empty Origin would be a foreign one; this request sets the dev header to something else.
    const response = await cognito.fetch("/_dev/stats", { headers: { "X-Cognito-Local-Dev": "0" } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error_description: string }).error_description).toContain("X-Cognito-Local-Dev: 1");
  });

  it("refuses a page of another origin, with or without the header", async () => {
    expect((await rotate({ Origin: "https://attacker.example" })).status).toBe(403);
    expect((await rotate({ Origin: "https://attacker.example", "X-Cognito-Local-Dev": "1" })).status).toBe(403);
    expect((await rotate({ Origin: "null" })).status).toBe(403);
  });

  it("never grants the preflight a page needs to send the header", async () => {
    const response = await cognito.fetch("/_dev/keys/rotate", {
      method: "OPTIONS",
      headers: {
        Origin: "https://attacker.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-cognito-local-dev",
      },
    });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(response.headers.get("Access-Control-Allow-Headers")).toBeNull();
  });

  it("serves a tool that says so, and a page on a loopback origin", async () => {
    expect((await cognito.fetch("/_dev/stats", { headers: { "X-Cognito-Local-Dev": "1" } })).status).toBe(200);
    expect((await cognito.fetch("/_dev/stats", { headers: { Origin: "http://127.0.0.1:8787" } })).status).toBe(200);
  });
});
