import { describe, expect, test } from "bun:test";
import { dataAge, secondsSince } from "../../src/scan/data-age.ts";

const NOW = new Date("2026-12-10T12:00:00.900Z");
const DAY_MS = 86_400_000;

describe("dataAge", () => {
  test("no refresh is stale with unknown age", () => {
    expect(dataAge(null, NOW, 7)).toEqual({ ageSeconds: null, stale: true });
  });

  test.each([
    { name: "one day old", ageMs: DAY_MS, stale: false },
    { name: "exactly the maximum age", ageMs: 7 * DAY_MS, stale: false },
    { name: "one second past the maximum", ageMs: 7 * DAY_MS + 1000, stale: true },
    { name: "ten days old", ageMs: 10 * DAY_MS, stale: true },
  ])("$name", ({ ageMs, stale }) => {
    const refreshedAt = new Date(NOW.getTime() - ageMs);
    const age = dataAge(refreshedAt, NOW, 7);
    expect(age.ageSeconds).toBe(ageMs / 1000);
    expect(age.stale).toBe(stale);
  });
});

describe("secondsSince", () => {
  test("drops the fraction of a second", () => {
    expect(secondsSince(new Date(NOW.getTime() - 1500), NOW)).toBe(1);
  });

  test("refresh in the future counts as 0", () => {
    expect(secondsSince(new Date(NOW.getTime() + 60_000), NOW)).toBe(0);
  });

  test("null stays null", () => {
    expect(secondsSince(null, NOW)).toBeNull();
  });
});
