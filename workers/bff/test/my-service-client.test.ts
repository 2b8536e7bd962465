// MyBFF checks MyService's answer against the record its OpenAPI document declares
// (routes/weather-forecast.ts), by hand, so that a request builds no zod schema: the
// same answers pass and fail as with the schema, and only the three fields go on.
import { describe, expect, it } from "vitest";
import { forecastOf } from "../src/my-service-client";

const day = (date: string, extra: Record<string, unknown> = {}) => ({
  date,
  temperatureC: 12,
  summary: "Mild",
  temperatureF: 53,
  ...extra,
});
const week = () => ["2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11"].map((d) => day(d));

/** What the route makes of MyService's answer `body` (fetchWeatherForecast reads it with this check). */
const answering = (body: unknown) => {
  const forecast = forecastOf(JSON.parse(JSON.stringify(body)));
  return forecast ? { ok: true, forecast } : { ok: false, kind: "invalid_body" };
};

describe("MyService's answer", () => {
  it("goes on with the record's three fields only", async () => {
    const result = answering(week());
    expect(result).toEqual({ ok: true, forecast: week().map(({ date, temperatureC, summary }) => ({ date, temperatureC, summary })) });
  });

  it.each([
    ["four days", week().slice(0, 4)],
    ["six days", [...week(), day("2026-12-12")]],
    ["not a list", { days: week() }],
    ["a day that is not an object", [...week().slice(0, 4), null]],
    ["a day that is a list", [...week().slice(0, 4), []]],
    ["a date that is not YYYY-MM-DD", [...week().slice(0, 4), day("12/11/2026")]],
    ["a temperature that is not an integer", [...week().slice(0, 4), day("2026-12-11", { temperatureC: 12.5 })]],
    ["a temperature as text", [...week().slice(0, 4), day("2026-12-11", { temperatureC: "12" })]],
    ["no summary", [...week().slice(0, 4), day("2026-12-11", { summary: undefined })]],
  ])("with %s is refused", async (_, body) => {
    expect(answering(body)).toEqual({ ok: false, kind: "invalid_body" });
  });
});
