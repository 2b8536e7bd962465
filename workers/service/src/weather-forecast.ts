/**
 * The reference post's sample data: five days of made-up weather, as ASP.NET's
 * `webapi` template generates it.
 * @module
 */

export const SUMMARIES = ["Freezing", "Bracing", "Chilly", "Cool", "Mild", "Warm", "Balmy", "Hot", "Sweltering", "Scorching"] as const;

export interface WeatherForecast {
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  temperatureC: number;
  summary: (typeof SUMMARIES)[number];
  temperatureF: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const FORECAST_DAYS = 5;

function randomInt(minInclusive: number, maxExclusive: number): number {
  return minInclusive + Math.floor(Math.random() * (maxExclusive - minInclusive));
}

/** `32 + (int)(TemperatureC / 0.5556)`, with C#'s truncation toward zero. */
export function toFahrenheit(temperatureC: number): number {
  return 32 + Math.trunc(temperatureC / 0.5556);
}

/** Five records for today+1 .. today+5 (UTC); temperatures in [-20, 55). */
export function weatherForecast(now: Date = new Date()): WeatherForecast[] {
  return Array.from({ length: FORECAST_DAYS }, (_, index) => {
    const temperatureC = randomInt(-20, 55);
    return {
      date: new Date(now.getTime() + (index + 1) * DAY_MS).toISOString().slice(0, 10),
      temperatureC,
      summary: SUMMARIES[randomInt(0, SUMMARIES.length)]!,
      temperatureF: toFahrenheit(temperatureC),
    };
  });
}
