/**
 * How an isolate asks the token coordinator (token-coordinator.ts) for a token: one
 * Durable Object per client, by name, over its `fetch`. The token cache uses it when
 * it is given one; a coordinator that cannot be reached, or answers too slowly or
 * with something that is not a token, is an error the cache falls back from (to the
 * token endpoint, within its back-off), while a token request that failed at the
 * coordinator is a `TokenRequestError`, as if the isolate had made it.
 * @module
 */
import { TokenRequestError } from "../errors.ts";
import type { IssuedToken } from "./request-token.ts";
import { COORDINATOR_URL, type CoordinatorAsk, type CoordinatorFailure } from "./token-coordinator.ts";

/** What the token cache needs from a coordinator. */
export interface TokenCoordinatorClient {
  /**
   * A token newer than `ask.fresherThan` (any usable one without it).
   * @throws {TokenRequestError} when the coordinator's token request failed
   * @throws {Error} when the coordinator could not be asked
   */
  token(ask?: CoordinatorAsk): Promise<IssuedToken>;
}

/** The part of a `DurableObjectNamespace` binding the client uses. */
export interface CoordinatorNamespace {
  idFromName(name: string): unknown;
  get(id: never): { fetch(request: Request): Promise<Response> };
}

export interface CoordinatorClientOptions {
  /** The object's name: one coordinator per name. Default "token-coordinator". */
  name?: string;
  /** Give up on the coordinator after this long and ask the endpoint directly. Default 6,000 ms (a token request's 5 s, and a margin). */
  timeoutMs?: number;
}

export const COORDINATOR_TIMEOUT_MS = 6_000;

function isIssuedToken(value: unknown): value is IssuedToken {
  const token = value as Partial<IssuedToken> | null;
  return (
    typeof token?.accessToken === "string" &&
    token.accessToken !== "" &&
    Number.isFinite(token.obtainedAt) &&
    Number.isFinite(token.expiresAt)
  );
}

/**
 * A client of the coordinator bound as `namespace` (the `TOKEN_COORDINATOR` binding).
 * @example
 * const coordinator = env.TOKEN_COORDINATOR ? coordinatorClient(env.TOKEN_COORDINATOR) : null;
 * new ClientCredentialsTokenCache({ ...settings, kv: env.TOKEN_CACHE, coordinator });
 */
export function coordinatorClient(namespace: CoordinatorNamespace, options: CoordinatorClientOptions = {}): TokenCoordinatorClient {
  const name = options.name ?? "token-coordinator";
  const timeoutMs = options.timeoutMs ?? COORDINATOR_TIMEOUT_MS;
  return {
    async token(ask = {}) {
      const stub = namespace.get(namespace.idFromName(name) as never);
      const response = await stub.fetch(
        new Request(COORDINATOR_URL, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(ask),
          signal: AbortSignal.timeout(timeoutMs),
        }),
      );
      const body: unknown = await response.json().catch(() => null);
      if (response.status === 200 && isIssuedToken(body)) return body;
      const failure = body as Partial<CoordinatorFailure> | null;
      if (response.status === 502 && typeof failure?.code === "string") {
        throw new TokenRequestError(failure.code, `the token coordinator's token request failed: ${failure.code}`, {
          status: failure.status,
          oauthError: failure.oauthError,
          retryAfterSeconds: failure.retryAfterSeconds,
        });
      }
      throw new Error(`the token coordinator answered ${response.status} without a token`);
    },
  };
}
