/**
 * The typed client of MyService's `GET /weatherforecast`, as the post's BFF has:
 * through the `MY_SERVICE` service binding when there is one (no public hop), else
 * over HTTP to `MY_SERVICE_URL`; with a timeout; the answer validated with zod. The
 * token, and the one retry after a 401, are the token cache's (`tokens.fetch`).
 * @module
 */
import { z } from "@hono/zod-openapi";
import { TokenRequestError } from "edge-cc-auth";
import type { ClientCredentialsTokenCache, GetTokenOptions } from "edge-cc-auth/client-credentials";
import { isTimeout, readBodyText } from "#kit/http.ts";

/** What the BFF returns: the post's record type has no `temperatureF`. */
export const bffForecastSchema = z
  .object({
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .openapi({ example: "2024-02-10" }),
    temperatureC: z.number().int().openapi({ example: 23 }),
    summary: z.string().openapi({ example: "Mild" }),
  })
  .openapi("WeatherForecast");

type BffForecast = z.infer<typeof bffForecastSchema>;

const upstreamSchema = z.array(bffForecastSchema).length(5);

export type UpstreamFailure = { kind: "unreachable" } | { kind: "timeout" } | { kind: "status"; status: number } | { kind: "invalid_body" };

export type UpstreamResult = { ok: true; forecast: BffForecast[] } | ({ ok: false } & UpstreamFailure);

export interface MyServiceTarget {
  binding?: Fetcher;
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
    return { ok: false, kind: "status", status: response.status };
  }
  try {
    const text = await readBodyText(response, MAX_BODY_BYTES);
    const parsed = upstreamSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return { ok: false, kind: "invalid_body" };
    // Only the three fields of the record: temperatureF and anything else stay behind.
    return { ok: true, forecast: parsed.data.map(({ date, temperatureC, summary }) => ({ date, temperatureC, summary })) };
  } catch (error) {
    return { ok: false, kind: isTimeout(error) ? "timeout" : "invalid_body" };
  }
}
