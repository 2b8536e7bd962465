/**
 * The rate limit of MyBFF's anonymous API: each client address (see
 * client-address.ts) gets `simple.limit` requests per `simple.period` seconds, as
 * set by the `WEATHER_RATE_LIMITER` entry of `[[ratelimits]]` in
 * workers/bff/wrangler.toml (Workers Rate Limiting; Miniflare simulates it
 * locally). It runs before the route, so a refused request costs no token request
 * and no MyService request: that is the point, since every forecast is a billed
 * MyService call.
 *
 * Past the limit the answer is 429 problem+json with `Retry-After`. With no binding
 * (or `RATE_LIMIT = "off"`, for load runs on the local stack) nothing is limited,
 * and the isolate says so once when it starts, in a `rate_limit_off` warning.
 * @module
 */

import { ConfigError, jsonLineLogger, type Logger } from "edge-cc-auth";
import { misconfigured, problem } from "edge-cc-auth/hono";
import type { MiddlewareHandler } from "hono";
import { oncePerEnv } from "#kit/once-per-env.ts";
import { clientKey } from "./client-address";
import { readTextSetting } from "./config";

/**
 * `simple.period` of the binding in workers/bff/wrangler.toml, sent as `Retry-After`
 * (the binding does not say when a key's count resets; one period is the longest
 * wait). Cloudflare accepts 10 or 60; a test checks that the two agree.
 */
const RATE_LIMIT_PERIOD_SECONDS = 10;

interface RateLimitEnv {
  WEATHER_RATE_LIMITER?: RateLimit;
  RATE_LIMIT?: unknown;
}

/** Why nothing is limited, or null when the binding is there and on. */
function offReason(env: RateLimitEnv): string | null {
  const setting = readTextSetting(env, "RATE_LIMIT");
  if (setting !== undefined && setting !== "on" && setting !== "off") {
    throw new ConfigError('RATE_LIMIT must be "on" or "off"', "RATE_LIMIT");
  }
  if (setting === "off") return 'RATE_LIMIT is "off": /weatherforecast is not rate limited';
  if (typeof env.WEATHER_RATE_LIMITER?.limit !== "function") {
    return "no WEATHER_RATE_LIMITER binding ([[ratelimits]] in workers/bff/wrangler.toml): /weatherforecast is not rate limited";
  }
  return null;
}

/** The limiter of this isolate, or null when there is none. */
const limiterOf = oncePerEnv((env: RateLimitEnv): RateLimit | null => (offReason(env) === null ? env.WEATHER_RATE_LIMITER! : null));

/**
 * Says once, when the isolate starts, that nothing is limited (a `rate_limit_off`
 * warning) or that the setting is wrong; says nothing when the limit is on.
 * @example
 * ```ts
 * import { env } from "cloudflare:workers";
 * announceRateLimit(env, workerLogger(env)); // at the top level of the worker's module
 * ```
 */
export function announceRateLimit(env: RateLimitEnv, logger: Logger): void {
  try {
    const reason = offReason(env);
    if (reason !== null) logger("warn", "rate_limit_off", { reason });
  } catch (error) {
    logger("error", "bff_misconfigured", { reason: (error as Error).message });
  }
}

function tooManyRequests(): Response {
  return problem({
    status: 429,
    title: "Too Many Requests",
    detail: "Too many requests from your address.",
    code: "rate_limited",
    headers: { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) },
  });
}

export interface RateLimitOptions {
  /** Where its events go (`bff_misconfigured`, `rate_limit_failed`). Default: JSON lines at `info`. */
  logger?: Logger;
}

/**
 * Refuses a client past its limit before the route runs.
 * @example
 * ```ts
 * root.use("/weatherforecast", rateLimit({ logger: workerLogger(env) })); // before the route is mounted
 * ```
 */
export function rateLimit(options: RateLimitOptions = {}): MiddlewareHandler<{ Bindings: RateLimitEnv }> {
  const logger = options.logger ?? jsonLineLogger();
  return async function rateLimitMiddleware(c, next) {
    let limiter: RateLimit | null;
    try {
      limiter = limiterOf(c.env);
    } catch (error) {
      logger("error", "bff_misconfigured", { reason: (error as Error).message });
      return misconfigured();
    }
    if (limiter === null) return next();
    let allowed: boolean;
    try {
      ({ success: allowed } = await limiter.limit({ key: clientKey(c.req.raw) }));
    } catch (error) {
      // The limiter failing must not take the forecast down with it.
      logger("warn", "rate_limit_failed", { name: (error as Error).name });
      allowed = true;
    }
    if (!allowed) return tooManyRequests();
    return next();
  };
}
