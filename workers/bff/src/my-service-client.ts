/**
 * The typed client of MyService's `GET /weatherforecast`, as the post's BFF has:
 * through the `MY_SERVICE` service binding when there is one (no public hop), else
 * over HTTP to `MY_SERVICE_URL`; with a timeout; the answer checked against the
 * documented record. The token, and the one retry after a 401, are the token cache's
 * (`tokens.fetch`).
 * @module
 */
import { TokenRequestError } from "edge-cc-auth";
import type { ClientCredentialsTokenCache, GetTokenOptions } from "edge-cc-auth/client-credentials";
import { isTimeout, readBodyText } from "#kit/http.ts";
import { isScopeRefusal } from "./scope-refusal";

/**
 * What the BFF returns: the post's record type has no `temperatureF`. Documented by
 * `bffForecastSchema` (routes/weather-forecast.ts), which this check follows; checked
 * by hand, so that a request builds no zod schema.
 */
interface BffForecast {
  date: string;
  temperatureC: number;
  summary: string;
}

const FORECAST_DAYS = 5;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The five records, reduced to their three fields (temperatureF and anything else stay behind), or `undefined`. */
export function forecastOf(value: unknown): BffForecast[] | undefined {
  if (!Array.isArray(value) || value.length !== FORECAST_DAYS) return undefined;
  const forecast: BffForecast[] = [];
  for (const item of value) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return undefined;
    const { date, temperatureC, summary } = item as Record<string, unknown>;
    if (typeof date !== "string" || !DATE.test(date)) return undefined;
    if (typeof temperatureC !== "number" || !Number.isSafeInteger(temperatureC)) return undefined;
    if (typeof summary !== "string") return undefined;
    forecast.push({ date, temperatureC, summary });
  }
  return forecast;
}

export type UpstreamFailure =
  | { kind: "unreachable" }
  | { kind: "timeout" }
  | { kind: "status"; status: number }
  | { kind: "invalid_body" }
  /** 403 `insufficient_scope` (./scope-refusal.ts): a configuration problem. */
  | { kind: "insufficient_scope" };

export type UpstreamResult = { ok: true; forecast: BffForecast[] } | ({ ok: false } & UpstreamFailure);

export interface MyServiceTarget {
  /** The `MY_SERVICE` service binding (a `Fetcher`); only its `fetch` is used. */
  binding?: { fetch(request: Request): Promise<Response> };
  baseUrl: string | null;
  timeoutMs: number;
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * @throws {TokenRequestError} when there is no token to send (the route answers 500, 502 or 503)
 */
export async function fetchWeatherForecast(
  target: MyServiceTarget,
  tokens: ClientCredentialsTokenCache,
  options: GetTokenOptions,
): Promise<UpstreamResult> {
  // With a binding the host is not used for routing; it only has to be a valid URL.
  // A base URL may carry a path prefix (https://api.example.com/myservice): append to it.
  const base = target.binding ? "https://myservice.internal" : (target.baseUrl ?? "");
  const url = `${base.replace(/\/+$/, "")}/weatherforecast`;
  const binding = target.binding;
  let response: Response;
  try {
    response = await tokens.fetch(
      url,
      {
        headers: { Accept: "application/json" },
        // A redirect is a failure (502), never followed: it would carry the token elsewhere.
        redirect: "manual",
        signal: AbortSignal.timeout(target.timeoutMs),
      },
      { ...options, fetch: binding ? (request) => binding.fetch(request) : undefined },
    );
  } catch (error) {
    if (error instanceof TokenRequestError) throw error;
    return { ok: false, kind: isTimeout(error) ? "timeout" : "unreachable" };
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    if (isScopeRefusal(response)) return { ok: false, kind: "insufficient_scope" };
    return { ok: false, kind: "status", status: response.status };
  }
  try {
    const text = await readBodyText(response, MAX_BODY_BYTES);
    const forecast = forecastOf(JSON.parse(text));
    return forecast ? { ok: true, forecast } : { ok: false, kind: "invalid_body" };
  } catch (error) {
    return { ok: false, kind: isTimeout(error) ? "timeout" : "invalid_body" };
  }
}
