import { describe, expect, test } from "bun:test";
import { createSpawnRunner } from "../../src/platform/bun/spawn-runner.ts";
import type { CortexError } from "../../src/platform/errors.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import {
  type CreateScheduleRequest,
  storeNewSchedule,
  validateScheduleRequest,
} from "../../src/scheduler/create-schedule.ts";
import { openMemoryDatabase } from "../../src/store/open-database.ts";
import { recordingRunner } from "./recording-runner.ts";
import { HAS_SYSTEMD_ANALYZE } from "./systemd-analyze.ts";

const NOW = new Date("2026-12-04T20:00:00Z");

function requestOf(overrides: Partial<CreateScheduleRequest> = {}): CreateScheduleRequest {
  return {
    id: "nightly",
    frequency: "daily",
    enablePatch: false,
    offline: false,
    dataDir: "/var/lib/cortex",
    ...overrides,
  };
}

async function validationError(
  request: CreateScheduleRequest,
  runner = createSpawnRunner(process.env),
): Promise<CortexError | null> {
  try {
    await validateScheduleRequest(request, { runner, log: createMemoryLogger(), now: () => NOW });
    return null;
  } catch (error) {
    return error as CortexError;
  }
}

describe("validateScheduleRequest", () => {
  test("strategy needs --enable-patch", async () => {
    const error = await validationError(requestOf({ strategy: "automatic" }));
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toContain("has no effect without --enable-patch");
  });

  test("invalid id is a usage error", async () => {
    const error = await validationError(requestOf({ id: "../etc" }));
    expect(error?.exitCode).toBe(2);
  });

  test("line break in expression is rejected", async () => {
    const runner = recordingRunner();
    const error = await validationError(
      requestOf({ onCalendar: "daily\nPersistent=false" }),
      runner,
    );
    expect(error?.exitCode).toBe(2);
    expect(runner.calls).toEqual([]);
  });

  test("missing systemd-analyze only warns", async () => {
    const runner = recordingRunner(() => ({ exitCode: 127, stdout: "", stderr: "" }));
    const log = createMemoryLogger();
    await validateScheduleRequest(requestOf({ onCalendar: "Sat 02:00" }), {
      runner,
      log,
      now: () => NOW,
    });
    expect(log.lines.join("\n")).toContain("could not check --on-calendar");
  });
});

describe.skipIf(!HAS_SYSTEMD_ANALYZE)("validateScheduleRequest with systemd-analyze", () => {
  test("accepts a valid expression", async () => {
    expect(await validationError(requestOf({ onCalendar: "Sat *-*-* 02:15:00" }))).toBeNull();
  });

  test("invalid expression carries systemd's message", async () => {
    const error = await validationError(requestOf({ onCalendar: "every tuesday" }));
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toContain('invalid --on-calendar "every tuesday"');
    expect(error?.message).toContain("Failed to parse calendar specification");
  });

  test("expression in the past is rejected", async () => {
    const error = await validationError(requestOf({ onCalendar: "2020-01-01 00:00:00" }));
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toContain("never elapses");
  });
});

describe("storeNewSchedule", () => {
  test("defaults strategy with patching", () => {
    const schedule = storeNewSchedule(openMemoryDatabase(), requestOf({ enablePatch: true }), NOW);
    expect(schedule.strategy).toBe("critical_only");
  });

  test("no strategy without patching", () => {
    const schedule = storeNewSchedule(openMemoryDatabase(), requestOf(), NOW);
    expect(schedule.strategy).toBeNull();
  });

  test("duplicate id is a usage error", () => {
    const db = openMemoryDatabase();
    storeNewSchedule(db, requestOf(), NOW);
    expect(() => storeNewSchedule(db, requestOf({ frequency: "weekly" }), NOW)).toThrow(
      /schedule nightly already exists \(daily, created 2026-12-04T20:00:00.000Z\)/,
    );
  });
});
