import { describe, expect, test } from "bun:test";
import { createSpawnRunner } from "../../src/platform/bun/spawn-runner.ts";
import { DEFAULT_ON_CALENDAR } from "../../src/scheduler/on-calendar.ts";
import {
  checkCalendarExpression,
  nextElapse,
  parseCalendarOutput,
} from "../../src/scheduler/systemd-calendar.ts";
import { recordingRunner } from "./recording-runner.ts";
import { HAS_SYSTEMD_ANALYZE } from "./systemd-analyze.ts";

describe("parseCalendarOutput", () => {
  test("reads a UTC host's output", () => {
    const output = [
      "Normalized form: *-*-* 03:30:00",
      "    Next elapse: Sat 2026-12-05 03:30:00 UTC",
      "       From now: 6h left",
    ].join("\n");
    expect(parseCalendarOutput(output)).toEqual({
      normalizedForm: "*-*-* 03:30:00",
      nextElapse: new Date("2026-12-05T03:30:00Z"),
      never: false,
    });
  });

  test("prefers the (in UTC) line", () => {
    const output = [
      "Normalized form: *-*-* 03:30:00",
      "    Next elapse: Sat 2026-12-05 03:30:00 CET",
      "       (in UTC): Sat 2026-12-05 02:30:00 UTC",
    ].join("\n");
    expect(parseCalendarOutput(output).nextElapse).toEqual(new Date("2026-12-05T02:30:00Z"));
  });

  test("never elapses", () => {
    const output = "Normalized form: 2020-01-01 00:00:00\n    Next elapse: never\n";
    expect(parseCalendarOutput(output)).toEqual({
      normalizedForm: "2020-01-01 00:00:00",
      nextElapse: null,
      never: true,
    });
  });

  test("local zone without UTC line is unknown", () => {
    const output = "    Next elapse: Sat 2026-12-05 03:30:00 CET\n";
    expect(parseCalendarOutput(output).nextElapse).toBeNull();
  });
});

describe("checkCalendarExpression with a recording runner", () => {
  test("passes base time and ends options", async () => {
    const runner = recordingRunner(() => ({
      exitCode: 0,
      stdout: "    Next elapse: Sat 2026-12-05 03:30:00 UTC\n",
      stderr: "",
    }));
    await checkCalendarExpression(runner, "-weird", new Date("2026-12-04T20:00:00Z"));
    expect(runner.calls[0]).toEqual([
      "systemd-analyze",
      "calendar",
      "--iterations=1",
      "--base-time=@1796414400",
      "--",
      "-weird",
    ]);
  });

  test("retries without --base-time on old systemd", async () => {
    const runner = recordingRunner((argv) =>
      argv.some((arg) => arg.startsWith("--base-time"))
        ? { exitCode: 1, stdout: "", stderr: "systemd-analyze: unrecognized option '--base-time'" }
        : { exitCode: 0, stdout: "    Next elapse: Sat 2026-12-05 03:30:00 UTC\n", stderr: "" },
    );
    const next = await nextElapse(runner, "daily", new Date("2026-12-04T20:00:00Z"));
    expect(runner.calls).toHaveLength(2);
    expect(next).toEqual(new Date("2026-12-05T03:30:00Z"));
  });

  test("missing systemd-analyze is unavailable", async () => {
    const runner = recordingRunner(() => ({
      exitCode: 127,
      stdout: "",
      stderr: "failed to start systemd-analyze",
    }));
    expect((await checkCalendarExpression(runner, "daily")).status).toBe("unavailable");
    expect(await nextElapse(runner, "daily", new Date())).toBeNull();
  });
});

describe.skipIf(!HAS_SYSTEMD_ANALYZE)("checkCalendarExpression with systemd-analyze", () => {
  const runner = createSpawnRunner({ ...process.env, TZ: "UTC" });
  const base = new Date("2026-12-04T20:00:00Z");

  const expected: [string, string][] = [
    [DEFAULT_ON_CALENDAR.daily, "2026-12-05T03:30:00.000Z"],
    [DEFAULT_ON_CALENDAR.weekly, "2026-12-07T04:00:00.000Z"],
    [DEFAULT_ON_CALENDAR.monthly, "2027-01-01T04:30:00.000Z"],
  ];
  for (const [expression, next] of expected) {
    test(`default ${expression} is valid`, async () => {
      const check = await checkCalendarExpression(runner, expression, base);
      expect(check.status).toBe("valid");
      if (check.status !== "valid") throw new Error("unreachable: status asserted above");
      expect(check.nextElapse?.toISOString()).toBe(next);
    });
  }

  test("invalid expression carries systemd's message", async () => {
    const check = await checkCalendarExpression(runner, "bogus o'clock", base);
    expect(check.status).toBe("invalid");
    if (check.status !== "invalid") throw new Error("unreachable: status asserted above");
    expect(check.message).toContain("Failed to parse calendar specification");
  });

  test("past date never elapses", async () => {
    const check = await checkCalendarExpression(runner, "2020-01-01", base);
    expect(check.status).toBe("valid");
    if (check.status !== "valid") throw new Error("unreachable: status asserted above");
    expect(check.never).toBe(true);
  });
});
