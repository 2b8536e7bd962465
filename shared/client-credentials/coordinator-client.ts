/**
 * How an isolate asks the token coordinator (a Durable Object, the
 * `edge-cc-auth/token-coordinator` entry point) for a token: one object per client,
 * by name, over Durable Object RPC. The ask and the reply carry the store key (a hash
 * of the endpoint, client, scopes and resources: tokenStoreKey), and each side refuses the other's
 * key when it is not its own, so that two clients given one binding never get each
 * other's tokens. Every reply is checked before it is trusted: a coordinator that
 * cannot be reached, is slow, or answers something that is not a token or a failure
 * of the known shape is an `Error` the cache falls back from (to the token endpoint,
 * within its back-off); a token request that failed at the coordinator is a
 * `TokenRequestError`, as if the isolate had made it.
 * @module
 */
import { ConfigError, TokenRequestError, type TokenRequestFailureCode } from "../errors.ts";
import { numberOption } from "../options.ts";
import { BEARER_TOKEN, type IssuedToken, MAX_TOKEN_LIFETIME_MS } from "./request-token.ts";
import { isFailureFields } from "./token-backoff.ts";

/** What an isolate asks. */
export interface CoordinatorAsk {
  /** The asker's store key: the coordinator answers only for its own. */
  key: string;
  /** The `obtainedAt` of the token the asker holds, when it wants a newer one. */
  fresherThan?: number;
  /** A token the resource server refused: the coordinator drops it if it holds it, and never answers with it. */
  refused?: string;
}

/** A failed token request, as `TokenRequestError` has it. */
export interface CoordinatorFailure {
  code: TokenRequestFailureCode;
  status?: number;
  oauthError?: string;
  retryAfterSeconds?: number;
}

/** What the coordinator answers: its store key, and a token or the failure of its token request. */
export type CoordinatorReply = { key: string; token: IssuedToken } | { key: string; failure: CoordinatorFailure };

/** The coordinator's RPC method, as a stub of the Durable Object offers it. */
export interface TokenCoordinatorRpc {
  token(ask: CoordinatorAsk): Promise<CoordinatorReply>;
}

/** What the token cache needs from a coordinator. */
export interface TokenCoordinatorClient {
  /**
   * A token newer than `ask.fresherThan` (any usable one without it), never `ask.refused`.
   * @throws {TokenRequestError} when the coordinator's token request failed
   * @throws {Error} when the coordinator could not be asked or its reply is not trusted
   */
  token(ask: CoordinatorAsk): Promise<IssuedToken>;
}

/** The part of a `DurableObjectNamespace` binding the client uses. */
export interface CoordinatorNamespace {
  idFromName(name: string): unknown;
  get(id: never): unknown;
}

export interface CoordinatorClientOptions {
  /** The object's name: one coordinator per name. Default "token-coordinator". */
  name?: string;
  /** Give up on the coordinator after this long and ask the endpoint directly. Default 6,000 ms (a token request's 5 s, and a margin). */
  timeoutMs?: number;
  /** Milliseconds since the epoch, to check a token's times. @internal */
  now?: () => number;
}

const COORDINATOR_TIMEOUT_MS = 6_000;
/** A clock this far ahead of ours is still believed; a token "obtained" later is not. */
const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_RETRY_AFTER_SECONDS = 24 * 3600;

function untrusted(reason: string): Error {
  return new Error(`the token coordinator's reply was refused: ${reason}`);
}

/**
 * The token or the failure in a reply, after checking it: the asker's key, a bearer
 * token with sane times, or a failure with a known code and bounded fields.
 * @throws {TokenRequestError} for a well-formed failure
 * @throws {Error} for anything else
 */
export function readCoordinatorReply(reply: unknown, ask: CoordinatorAsk, nowMs: number): IssuedToken {
  if (typeof reply !== "object" || reply === null) throw untrusted("not an object");
  const { key, token, failure } = reply as { key?: unknown; token?: unknown; failure?: unknown };
  if (key !== ask.key) throw untrusted("it is for another endpoint, client or scopes");
  if (typeof token === "object" && token !== null) {
    const { accessToken, obtainedAt, expiresAt } = token as Partial<Record<keyof IssuedToken, unknown>>;
    if (typeof accessToken !== "string" || !BEARER_TOKEN.test(accessToken)) throw untrusted("the token is not a bearer token");
    if (accessToken === ask.refused) throw untrusted("it is the token that was refused");
    if (typeof obtainedAt !== "number" || !Number.isFinite(obtainedAt) || obtainedAt > nowMs + CLOCK_SKEW_MS) {
      throw untrusted("the token's obtainedAt is not a time");
    }
    if (typeof expiresAt !== "number" || !(expiresAt > obtainedAt) || expiresAt - obtainedAt > MAX_TOKEN_LIFETIME_MS) {
      throw untrusted("the token's expiresAt is out of bounds");
    }
    return { accessToken, obtainedAt, expiresAt };
  }
  if (typeof failure === "object" && failure !== null) {
    const fields = failure as Partial<Record<keyof CoordinatorFailure, unknown>>;
    const { retryAfterSeconds } = fields;
    const retryAfterValid =
      retryAfterSeconds === undefined ||
      (typeof retryAfterSeconds === "number" &&
        Number.isInteger(retryAfterSeconds) &&
        retryAfterSeconds >= 0 &&
        retryAfterSeconds <= MAX_RETRY_AFTER_SECONDS);
    if (!isFailureFields(fields) || !retryAfterValid) throw untrusted("the failure is not of a known shape");
    const { code, status, oauthError } = fields as CoordinatorFailure;
    throw new TokenRequestError(code, `the token coordinator's token request failed: ${code}`, {
      status,
      oauthError,
      retryAfterSeconds: retryAfterSeconds as number | undefined,
    });
  }
  throw untrusted("neither a token nor a failure");
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the token coordinator did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

/**
 * A client of the coordinator bound as `namespace` (the `TOKEN_COORDINATOR` binding).
 * @throws {ConfigError} for a bad option
 * @example
 * const coordinator = env.TOKEN_COORDINATOR ? coordinatorClient(env.TOKEN_COORDINATOR) : null;
 * new ClientCredentialsTokenCache({ ...settings, kv: env.TOKEN_CACHE, coordinator });
 */
export function coordinatorClient(namespace: CoordinatorNamespace, options: CoordinatorClientOptions = {}): TokenCoordinatorClient {
  const name = options.name ?? "token-coordinator";
  if (typeof name !== "string" || name === "") throw new ConfigError("name must be a non-empty string", "name");
  const timeoutMs = numberOption("timeoutMs", options.timeoutMs, COORDINATOR_TIMEOUT_MS, { min: 1, max: 60_000 });
  const now = options.now ?? Date.now;
  return {
    async token(ask) {
      const stub = namespace.get(namespace.idFromName(name) as never) as TokenCoordinatorRpc;
      const reply: unknown = await withTimeout(stub.token(ask), timeoutMs);
      return readCoordinatorReply(reply, ask, now());
    },
  };
}
