import { describe, expect, test } from "bun:test";
import type { Schedule } from "../../src/scheduler/schedule.ts";
import {
  deleteSchedule,
  getSchedule,
  getScheduleRun,
  insertSchedule,
  lastScheduleRun,
  listScheduleRuns,
  listSchedules,
  recordRunEnd,
  recordRunStart,
  setTimerState,
} from "../../src/scheduler/schedule-store.ts";
import { openMemoryDatabase } from "../../src/store/open-database.ts";

function scheduleOf(id: string, overrides: Partial<Schedule> = {}): Schedule {
  return {
    id,
    frequency: "weekly",
    onCalendar: null,
    patchEnabled: true,
    strategy: "high_and_above",
    offline: true,
    dataDir: "/srv/cortex",
    createdAt: new Date("2026-12-01T10:00:00Z"),
    timerUnitDir: null,
    timerEnabled: false,
    ...overrides,
  };
}

describe("schedule store", () => {
  test("round-trips a schedule", () => {
    const db = openMemoryDatabase();
    const schedule = scheduleOf("weekly", { onCalendar: "Sat *-*-* 02:00:00" });
    expect(insertSchedule(db, schedule)).toBe(true);
    expect(getSchedule(db, "weekly")).toEqual(schedule);
  });

  test("duplicate id is not inserted", () => {
    const db = openMemoryDatabase();
    expect(insertSchedule(db, scheduleOf("a"))).toBe(true);
    expect(insertSchedule(db, scheduleOf("a", { frequency: "daily" }))).toBe(false);
    expect(getSchedule(db, "a")?.frequency).toBe("weekly");
  });

  test("lists by id", () => {
    const db = openMemoryDatabase();
    insertSchedule(db, scheduleOf("b"));
    insertSchedule(db, scheduleOf("a"));
    expect(listSchedules(db).map((schedule) => schedule.id)).toEqual(["a", "b"]);
  });

  test("timer state updates", () => {
    const db = openMemoryDatabase();
    insertSchedule(db, scheduleOf("a"));
    setTimerState(db, "a", { timerUnitDir: "/etc/systemd/system", timerEnabled: true });
    expect(getSchedule(db, "a")?.timerUnitDir).toBe("/etc/systemd/system");
    expect(getSchedule(db, "a")?.timerEnabled).toBe(true);
  });

  test("run start and end", () => {
    const db = openMemoryDatabase();
    insertSchedule(db, scheduleOf("a"));
    const runId = recordRunStart(db, {
      scheduleId: "a",
      startedAt: new Date("2026-12-02T03:30:00Z"),
      dryRun: false,
    });
    expect(getScheduleRun(db, runId)?.outcome).toBe("running");
    expect(getScheduleRun(db, runId)?.finishedAt).toBeNull();

    recordRunEnd(db, runId, {
      finishedAt: new Date("2026-12-02T03:31:00Z"),
      outcome: "failed",
      exitCode: 10,
      scanId: null,
      counts: { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 },
      historyId: 3,
      patchOutcome: "failed",
      reason: "apt-get install failed",
      warnings: ["old data"],
    });
    expect(getScheduleRun(db, runId)).toEqual({
      id: runId,
      scheduleId: "a",
      startedAt: new Date("2026-12-02T03:30:00Z"),
      finishedAt: new Date("2026-12-02T03:31:00Z"),
      outcome: "failed",
      exitCode: 10,
      dryRun: false,
      scanId: null,
      counts: { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 },
      historyId: 3,
      patchOutcome: "failed",
      reason: "apt-get install failed",
      warnings: ["old data"],
    });
  });

  test("newest run first", () => {
    const db = openMemoryDatabase();
    insertSchedule(db, scheduleOf("a"));
    for (const day of ["01", "03", "02"]) {
      recordRunStart(db, {
        scheduleId: "a",
        startedAt: new Date(`2026-12-${day}T03:30:00Z`),
        dryRun: false,
      });
    }
    const days = listScheduleRuns(db, "a").map((run) => run.startedAt.getUTCDate());
    expect(days).toEqual([3, 2, 1]);
    expect(lastScheduleRun(db, "a")?.startedAt.getUTCDate()).toBe(3);
    expect(lastScheduleRun(db, "none")).toBeNull();
  });

  test("delete removes runs too", () => {
    const db = openMemoryDatabase();
    insertSchedule(db, scheduleOf("a"));
    recordRunStart(db, { scheduleId: "a", startedAt: new Date(), dryRun: true });
    expect(deleteSchedule(db, "a")).toBe(true);
    expect(deleteSchedule(db, "a")).toBe(false);
    expect(listScheduleRuns(db, "a")).toEqual([]);
  });
});
