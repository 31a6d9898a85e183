import { describe, expect, test } from "bun:test";
import { parseRetryAfter } from "../../../src/platform/http/retry-after.ts";

const NOW = new Date("2026-12-04T12:00:00Z");

describe("parseRetryAfter", () => {
  test.each([
    ["0", 0],
    ["7", 7000],
    [" 120 ", 120_000],
    ["Fri, 04 Dec 2026 12:00:05 GMT", 5000],
    ["Fri, 04 Dec 2026 11:59:00 GMT", 0],
  ])("%p waits %p ms", (header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });

  test.each([["soon"], ["-5"], ["1.5"], [""]])("%p is not a Retry-After value", (header) => {
    expect(parseRetryAfter(header, NOW)).toBeNull();
  });

  test("absent header gives null", () => {
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });
});
