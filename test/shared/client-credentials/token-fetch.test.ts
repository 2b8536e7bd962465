// The one call that sends a token (ClientCredentialsTokenCache.fetch), in workerd with
// a real KV namespace: a refused token gets exactly one fresh token and one retry; a
// second refusal gets no third attempt and starts the back-off; a body that cannot be
// sent twice is not retried.
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ClientCredentialsTokenCache } from "../../../shared/client-credentials/client-credentials-token-cache";
import { TokenRequestError } from "../../../shared/errors";
import { captureConsole } from "../../workerd/captured-work";
import { FakeTokenEndpoint } from "../../workerd/fake-token-endpoint";

const kv = () => (env as unknown as { TEST_KV: KVNamespace }).TEST_KV;
const API = "https://api.example.com/weatherforecast";

let endpoint: FakeTokenEndpoint;
let logs: string[];

/** A resource server that refuses the tokens in `refused` (all of them with "*"), recording what it was sent. */
function resource(refused: Set<string> | "*") {
  const seen: { token: string; body: string }[] = [];
  const send = async (request: Request) => {
    const token = request.headers.get("Authorization")?.replace(/^Bearer /, "") ?? "";
    seen.push({ token, body: await request.text() });
    return refused === "*" || refused.has(token) ? new Response("refused", { status: 401 }) : Response.json({ ok: true });
  };
  return { seen, send };
}

function cache() {
  return new ClientCredentialsTokenCache({
    tokenEndpoint: "https://auth.example.com/oauth2/token",
    clientId: "mybff",
    clientSecret: "the-client-secret",
    scopes: ["MyService/weather_read"],
    kv: kv(),
    fetch: endpoint.fetch,
    retry: { baseDelayMs: 1 },
  });
}

beforeEach(async () => {
  for (const { name } of (await kv().list()).keys) await kv().delete(name);
  endpoint = new FakeTokenEndpoint();
  logs = captureConsole();
});
afterEach(() => vi.restoreAllMocks());

describe("tokens.fetch", () => {
  it("sends the token as a Bearer header, and nothing more when it is accepted", async () => {
    const api = resource(new Set());
    const response = await cache().fetch(API, { method: "POST", body: "hello" }, { fetch: api.send });
    expect(response.status).toBe(200);
    expect(api.seen).toEqual([{ token: endpoint.issued[0], body: "hello" }]);
    expect(endpoint.calls).toBe(1);
  });

  it("on a refused token gets exactly one fresh token and retries once, with the same body", async () => {
    const tokens = cache();
    await tokens.getToken();
    const api = resource(new Set([endpoint.issued[0] ?? ""]));
    const response = await tokens.fetch(API, { method: "POST", body: "hello" }, { fetch: api.send });
    expect(response.status).toBe(200);
    expect(endpoint.calls).toBe(2);
    expect(api.seen).toEqual([
      { token: endpoint.issued[0], body: "hello" },
      { token: endpoint.issued[1], body: "hello" },
    ]);
  });

  it("on a second refusal makes no third attempt, and the back-off starts", async () => {
    const tokens = cache();
    const api = resource("*");
    const response = await tokens.fetch(API, {}, { fetch: api.send });
    expect(response.status).toBe(401);
    expect(api.seen).toHaveLength(2);
    expect(endpoint.calls).toBe(2);
    // The back-off: the next call is refused at once, with no token request and no call.
    const next = tokens.fetch(API, {}, { fetch: api.send });
    await expect(next).rejects.toBeInstanceOf(TokenRequestError);
    await expect(next).rejects.toMatchObject({ code: "FRESH_TOKEN_REFUSED" });
    expect(api.seen).toHaveLength(2);
    expect(endpoint.calls).toBe(2);
  });

  it("does not retry a body that cannot be sent twice, and says so; the next call has a fresh token", async () => {
    const tokens = cache();
    await tokens.getToken();
    const first = endpoint.issued[0] ?? "";
    const api = resource(new Set([first]));
    const stream = new Blob(["streamed"]).stream();
    // `duplex` is what Node asks of a streamed body (workerd does without it).
    const response = await tokens.fetch(API, { method: "POST", body: stream, duplex: "half" } as RequestInit, { fetch: api.send });
    expect(response.status).toBe(401);
    expect(api.seen).toEqual([{ token: first, body: "streamed" }]);
    expect(logs.some((line) => line.includes('"token_refused_not_retried"'))).toBe(true);
    expect((await tokens.fetch(API, {}, { fetch: api.send })).status).toBe(200);
    expect(api.seen[1]?.token).toBe(endpoint.issued[1]);
  });

  it("does not retry a Request whose body is a stream either", async () => {
    const tokens = cache();
    const api = resource("*");
    const request = new Request(API, { method: "POST", body: new Blob(["streamed"]).stream(), duplex: "half" } as RequestInit);
    expect((await tokens.fetch(request, {}, { fetch: api.send })).status).toBe(401);
    expect(api.seen).toHaveLength(1);
  });
});
