// The log threshold: a line below it is dropped, and only a real level name moves it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { logEvent, setLogLevel } from "../../shared/log";
import { captureConsole } from "../workerd/captured-work";

describe("setLogLevel", () => {
  afterEach(() => {
    setLogLevel("info");
    vi.restoreAllMocks();
  });

  it("drops the lines below the level it is given", () => {
    const lines = captureConsole();
    setLogLevel("error");
    logEvent("warn", "below");
    logEvent("error", "at");
    expect(lines.map((line) => JSON.parse(line).event)).toEqual(["at"]);
  });

  it.each(["constructor", "toString", "__proto__", "ERROR", "", 3, undefined])("keeps the level on %j", (value) => {
    const lines = captureConsole();
    setLogLevel("error");
    setLogLevel(value);
    logEvent("warn", "below");
    logEvent("error", "at");
    expect(lines.map((line) => JSON.parse(line).event)).toEqual(["at"]);
  });
});
