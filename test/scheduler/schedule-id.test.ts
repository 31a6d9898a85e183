import { describe, expect, test } from "bun:test";
import { usageError } from "../../src/platform/errors.ts";
import {
  assertScheduleId,
  findScheduleIdError,
  MAX_SCHEDULE_ID_LENGTH,
  serviceUnitName,
  timerUnitName,
} from "../../src/scheduler/schedule-id.ts";

describe("schedule id", () => {
  const accepted = [
    "nightly",
    "a",
    "0",
    "weekly-patch",
    "db_01",
    "x".repeat(MAX_SCHEDULE_ID_LENGTH),
  ];
  for (const id of accepted) {
    test(`accepts ${JSON.stringify(id.slice(0, 20))}`, () => {
      expect(findScheduleIdError(id)).toBeNull();
    });
  }

  const rejected: [string, RegExp][] = [
    ["", /empty/],
    ["with space", /only lower-case/],
    ["new\nline", /only lower-case/],
    ["../etc", /only lower-case/],
    ["a/b", /only lower-case/],
    ["Nightly", /only lower-case/],
    ["-leading", /only lower-case/],
    ["_leading", /only lower-case/],
    ["dot.ted", /only lower-case/],
    ["ünïcode", /only lower-case/],
    ["x".repeat(MAX_SCHEDULE_ID_LENGTH + 1), /65 characters, more than 64/],
  ];
  for (const [id, reason] of rejected) {
    test(`rejects ${JSON.stringify(id.slice(0, 20))}`, () => {
      expect(findScheduleIdError(id)).toMatch(reason);
    });
  }

  test("assert throws a usage error", () => {
    expect(() => assertScheduleId("Bad Id")).toThrow(usageError("x").constructor);
    try {
      assertScheduleId("Bad Id");
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(2);
    }
  });

  test("unit names", () => {
    expect(serviceUnitName("nightly")).toBe("cortex-security-nightly.service");
    expect(timerUnitName("nightly")).toBe("cortex-security-nightly.timer");
  });
});
