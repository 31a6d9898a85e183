import { describe, expect, test } from "bun:test";
import { parseDuration } from "../../src/history/parse-duration.ts";
import { CortexError } from "../../src/platform/errors.ts";

describe("parseDuration", () => {
  test.each([
    ["30d", 30 * 86_400_000],
    ["12h", 12 * 3_600_000],
    ["90m", 90 * 60_000],
    ["2w", 14 * 86_400_000],
  ])("%s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(["", "30", "d", "1.5d", "-1d", "3 days", "3y"])("rejects %p", (text) => {
    expect(() => parseDuration(text)).toThrow(CortexError);
  });

  test.each(["99999999999999999999d", "100000001d", "9999999999999w"])(
    "rejects %p beyond the date range",
    (text) => {
      expect(() => parseDuration(text)).toThrow("longer than 100000000 days");
    },
  );

  test("accepts the largest duration", () => {
    expect(parseDuration("100000000d")).toBe(8.64e15);
  });
});
