// The default logger: a line below its level is dropped, and only a real level name is a level.
import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonLineLogger, parseLogLevel } from "../../shared/log";
import { captureConsole } from "../workerd/captured-work";

describe("jsonLineLogger", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes one JSON line per event at or above its level", () => {
    const lines = captureConsole();
    const log = jsonLineLogger("warn");
    log("info", "below", {});
    log("warn", "at", { code: "X" });
    log("error", "above", {});
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { level: "warn", event: "at", code: "X" },
      { level: "error", event: "above" },
    ]);
  });

  it("drops debug lines by default", () => {
    const lines = captureConsole();
    const log = jsonLineLogger();
    log("debug", "below", {});
    log("info", "at", {});
    expect(lines.map((line) => JSON.parse(line).event)).toEqual(["at"]);
  });
});

describe("parseLogLevel", () => {
  it.each(["debug", "info", "warn", "error"])("reads %j", (value) => {
    expect(parseLogLevel(value)).toBe(value);
  });

  it.each(["constructor", "toString", "__proto__", "ERROR", "", 3, undefined])("refuses %j", (value) => {
    expect(parseLogLevel(value)).toBeUndefined();
  });
});
