/**
 * How the token cache gets a token it does not hold: from the coordinator when it has
 * one, else from the token source; either way the token is shared through KV, and a
 * failed token request becomes the next back-off step (logged once per step, shared
 * through KV). Apart from the cache's tiers so that each file holds one concern.
 * @module
 */
import { TokenRequestError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { CoordinatorAsk, TokenCoordinatorClient } from "./coordinator-client.ts";
import type { IssuedToken } from "./request-token.ts";
import type { RetryOptions } from "./request-token-with-retries.ts";
import { type BackOffRecord, type BackOffState, isConfigurationRejection, rememberedFailure } from "./token-backoff.ts";
import type { CacheSettings } from "./token-cache-options.ts";
import type { TokenCacheStore } from "./token-cache-store.ts";
import type { TokenSource } from "./token-source.ts";

export class TokenFetcher {
  private readonly log: Logger;
  private readonly client: string;

  constructor(
    private readonly settings: CacheSettings,
    private readonly source: TokenSource,
    private readonly retry: RetryOptions | undefined,
    private readonly coordinator: TokenCoordinatorClient | null,
    private readonly key: Promise<string>,
    private readonly store: TokenCacheStore | null,
    private readonly backOff: BackOffState,
  ) {
    this.log = settings.logger;
    this.client = source.clientId;
  }

  /**
   * A token from the coordinator newer than `fresherThan`, shared through KV with this
   * location; null when there is no coordinator, it could not be asked or its reply
   * was not trusted (then the caller asks the source). A token request that failed at
   * the coordinator is remembered as ours.
   */
  async fromCoordinator(fresherThan: number | undefined, refused: string | undefined): Promise<IssuedToken | null> {
    if (!this.coordinator) return null;
    const started = this.settings.now();
    const ask: CoordinatorAsk = { key: await this.key };
    if (fresherThan !== undefined) ask.fresherThan = fresherThan;
    if (refused !== undefined) ask.refused = refused;
    let token: IssuedToken;
    try {
      token = await this.coordinator.token(ask);
    } catch (error) {
      if (error instanceof TokenRequestError) throw await this.rememberFailure(error, started);
      this.log("warn", "token_coordinator_failed", {
        client: this.client,
        reason: error instanceof Error ? error.message : String(error),
        action: "ask_token_endpoint",
      });
      return null;
    }
    if (this.settings.now() >= token.expiresAt - this.settings.marginMs) return null;
    await this.store?.writeToken(token, this.settings.now());
    return token;
  }

  /** Asks the source; shares the token, or remembers the failure. `seen`: the back-off record read from KV. */
  async fetchAndShare(seen: BackOffRecord | null): Promise<IssuedToken> {
    const started = this.settings.now();
    // Retries within the call only while no failure is remembered (as a retry quota
    // would): once one is, each back-off step is one request, not `maxAttempts`.
    const retry = this.backOff.failing ? { ...this.retry, maxAttempts: 1 } : this.retry;
    let token: IssuedToken;
    try {
      token = await this.source.request(retry);
      if (token.expiresAt - token.obtainedAt <= this.settings.marginMs) {
        throw new TokenRequestError("TOKEN_RESPONSE_INVALID", "the token's lifetime is shorter than the safety margin");
      }
    } catch (error) {
      if (error instanceof TokenRequestError) throw await this.rememberFailure(error, started);
      throw error;
    }
    this.log("info", "token_requested", {
      client: this.client,
      source: this.source.kind,
      durationMs: this.settings.now() - started,
      expiresAt: new Date(token.expiresAt).toISOString(),
    });
    await this.store?.writeToken(token, this.settings.now());
    if (this.backOff.endpointRecovered() || seen?.kind === "token_endpoint") await this.store?.deleteBackOff();
    return token;
  }

  /** Starts the next back-off step, logs it (once per step), shares it; returns what `getToken` throws. */
  private async rememberFailure(error: TokenRequestError, started: number): Promise<TokenRequestError> {
    const now = this.settings.now();
    const { record, delayMs } = this.backOff.endpointFailed(error, now);
    this.log("error", "token_request_failed", {
      client: this.client,
      code: error.code,
      status: error.status,
      oauthError: error.oauthError,
      configurationProblem: isConfigurationRejection(error),
      durationMs: now - started,
      step: record.step,
      backOffMs: delayMs,
    });
    await this.store?.writeBackOff(record, now);
    const remembered = rememberedFailure(record, this.settings.now());
    return new TokenRequestError(error.code, error.message, {
      status: error.status,
      oauthError: error.oauthError,
      retryAfterSeconds: remembered.retryAfterSeconds,
      cause: error.cause,
    });
  }
}
