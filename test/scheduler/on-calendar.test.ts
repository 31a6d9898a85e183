import { describe, expect, test } from "bun:test";
import { describeTiming, onCalendarOf } from "../../src/scheduler/on-calendar.ts";

describe("onCalendarOf", () => {
  test("default follows the frequency", () => {
    expect(onCalendarOf({ frequency: "weekly", onCalendar: null })).toBe("Mon *-*-* 04:00:00");
  });

  test("custom expression wins", () => {
    expect(onCalendarOf({ frequency: "daily", onCalendar: "minutely" })).toBe("minutely");
  });
});

describe("describeTiming", () => {
  test("default names frequency and time", () => {
    expect(describeTiming({ frequency: "daily", onCalendar: null })).toBe(
      "daily at *-*-* 03:30:00",
    );
  });

  test("custom expression replaces the default", () => {
    expect(describeTiming({ frequency: "daily", onCalendar: "minutely" })).toBe(
      "OnCalendar=minutely, in place of the daily default *-*-* 03:30:00",
    );
  });
});
