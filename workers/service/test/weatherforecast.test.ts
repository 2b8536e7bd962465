// GET /weatherforecast answers as the reference post shows, to a token from cognito-local.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tokenFor } from "#test/workerd/cognito-local-client.ts";
import { SUMMARIES, toFahrenheit, weatherForecast } from "../src/weather-forecast";

describe("GET /weatherforecast", () => {
  it("answers five records for today+1 .. today+5 to a token with the scope", async () => {
    const response = await SELF.fetch("http://myservice/weatherforecast", {
      headers: { Authorization: `Bearer ${await tokenFor()}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    const records = (await response.json()) as Array<Record<string, unknown>>;
    expect(records).toHaveLength(5);
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    records.forEach((record, index) => {
      expect(Object.keys(record).sort()).toEqual(["date", "summary", "temperatureC", "temperatureF"]);
      expect(record.date).toBe(new Date(today + (index + 1) * 86_400_000).toISOString().slice(0, 10));
      expect(Number.isInteger(record.temperatureC)).toBe(true);
      expect(record.temperatureC).toBeGreaterThanOrEqual(-20);
      expect(record.temperatureC).toBeLessThan(55);
      expect(SUMMARIES).toContain(record.summary);
      expect(record.temperatureF).toBe(32 + Math.trunc((record.temperatureC as number) / 0.5556));
    });
  });

  it("converts like C#: 32 + (int)(C / 0.5556), truncating toward zero", () => {
    expect(toFahrenheit(50)).toBe(121); // the post's sample: 50 C -> 121 F
    expect(toFahrenheit(-4)).toBe(25); // -4 / 0.5556 = -7.19 -> -7
    expect(toFahrenheit(23)).toBe(73);
    expect(toFahrenheit(-20)).toBe(-3);
  });

  it("spreads temperatures over [-20, 55) and uses every summary", () => {
    const records = Array.from({ length: 400 }, () => weatherForecast()).flat();
    const temperatures = new Set(records.map((r) => r.temperatureC));
    expect(Math.min(...temperatures)).toBe(-20);
    expect(Math.max(...temperatures)).toBe(54);
    expect(new Set(records.map((r) => r.summary)).size).toBe(SUMMARIES.length);
  });
});
