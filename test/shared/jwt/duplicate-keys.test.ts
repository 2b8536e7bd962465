import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasDuplicateKeys } from "../../../shared/jwt/duplicate-keys";

describe("hasDuplicateKeys", () => {
  it.each([
    ['{"a":1,"a":2}', true],
    ['{"a":1,"b":{"c":1,"c":2}}', true],
    ['{"a":1,"\\u0061":2}', true],
    ['[{"a":1},{"a":2}]', false],
    ['{"a":{"a":1},"b":[{"a":1,"b":2}]}', false],
    ['{"a":"\\"a\\":1,","b":"a"}', false],
    ['{"a":[1,"x,\\"a\\""],"c":{}}', false],
    ["{}", false],
    ['"just a string"', false],
  ])("reads %s as %s", (json, expected) => {
    expect(hasDuplicateKeys(json)).toBe(expected);
  });

  it("agrees with a parse that keeps every member, on random JSON", () => {
    fc.assert(
      fc.property(fc.json(), (json) => {
        // JSON.stringify of a parsed value never repeats a name: no duplicate in any of them.
        expect(hasDuplicateKeys(json)).toBe(false);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.jsonValue(), (object, value) => {
        const name = Object.keys(object)[0]!;
        const doubled = `{${JSON.stringify(name)}:${JSON.stringify(value) ?? "null"},${JSON.stringify(object).slice(1)}`;
        expect(hasDuplicateKeys(doubled)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
