// A token endpoint whose behaviour a test sets: it issues opaque tokens with the
// lifetime asked, or fails the way real endpoints fail. Given to the token client
// as its `fetch`, it counts requests and records how the client authenticated.

export type TokenEndpointBehaviour =
  | "ok"
  | "down"
  | "hang"
  | "500"
  | "429"
  | "garbage"
  | "invalid_client"
  | "unauthorized_client"
  | "invalid_scope"
  | "invalid_request"
  | "no_token"
  | "mac_token"
  | "crlf_token"
  | "redirect";

/**
 * Requests left hanging, held by the module until they abort. In Node (undici) a
 * request's signal follows its AbortSignal.timeout only while the request is reachable;
 * a hanging request, its endpoint and the test awaiting it reach one another but nothing
 * else does, so without this root they can be collected and the timeout never fires.
 */
const HANGING = new Set<Request>();

export class FakeTokenEndpoint {
  calls = 0;
  issued: string[] = [];
  lastRequest: { authorization: string | null; form: URLSearchParams; redirect: string } | null = null;
  behaviour: TokenEndpointBehaviour = "ok";
  /** Behaviours for the next calls, before `behaviour` applies again. */
  queue: TokenEndpointBehaviour[] = [];
  retryAfter = "1";
  expiresIn = 3600;

  readonly fetch = async (request: Request): Promise<Response> => {
    this.calls++;
    const body = new TextDecoder().decode(await request.arrayBuffer());
    this.lastRequest = {
      authorization: request.headers.get("Authorization"),
      form: new URLSearchParams(body),
      redirect: request.redirect,
    };
    const behaviour = this.queue.shift() ?? this.behaviour;
    switch (behaviour) {
      case "down":
        throw new TypeError("Network connection lost.");
      case "hang":
        HANGING.add(request);
        return new Promise((_, reject) =>
          request.signal.addEventListener("abort", () => {
            HANGING.delete(request);
            reject(request.signal.reason);
          }),
        );
      case "500":
        return new Response("internal error", { status: 500 });
      case "429":
        return new Response('{"error":"too_many_requests"}', { status: 429, headers: { "Retry-After": this.retryAfter } });
      case "garbage":
        return new Response("<html>oops</html>", { status: 200 });
      case "invalid_client":
      case "unauthorized_client":
      case "invalid_scope":
      case "invalid_request":
        return Response.json({ error: behaviour }, { status: 400 });
      case "redirect":
        return new Response(null, { status: 307, headers: { Location: "https://elsewhere.example/oauth2/token" } });
      case "no_token":
        return Response.json({ expires_in: 3600, token_type: "Bearer" });
      case "crlf_token":
        return Response.json({ access_token: "abc\r\nX-Injected: 1", expires_in: 3600, token_type: "Bearer" });
      case "mac_token":
        return Response.json({ access_token: "abc", expires_in: 3600, token_type: "mac" });
      default: {
        const token = `token-${this.calls}-${crypto.randomUUID()}`;
        this.issued.push(token);
        return Response.json({ access_token: token, expires_in: this.expiresIn, token_type: "Bearer" });
      }
    }
  };
}

/** A KV namespace that fails: every call throws, or never answers. */
export function brokenKv(mode: "throw" | "hang"): KVNamespace {
  const fail = () =>
    mode === "throw" ? Promise.reject(new Error("KV GET failed: 500 Internal Server Error")) : new Promise<never>(() => {});
  return { get: fail, put: fail, delete: fail, list: fail, getWithMetadata: fail } as unknown as KVNamespace;
}
