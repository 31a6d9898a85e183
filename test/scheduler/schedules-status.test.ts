import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatScheduleTable } from "../../src/scheduler/format-schedules.ts";
import type { Schedule } from "../../src/scheduler/schedule.ts";
import {
  insertSchedule,
  recordRunEnd,
  recordRunStart,
} from "../../src/scheduler/schedule-store.ts";
import { schedulesStatus } from "../../src/scheduler/schedules-status.ts";
import { openMemoryDatabase } from "../../src/store/open-database.ts";
import { recordingRunner } from "./recording-runner.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date("2026-12-04T20:00:00Z");

function scheduleOf(id: string, overrides: Partial<Schedule> = {}): Schedule {
  return {
    id,
    frequency: "daily",
    onCalendar: null,
    patchEnabled: false,
    strategy: null,
    offline: false,
    dataDir: "/var/lib/cortex",
    createdAt: new Date("2026-12-01T10:00:00Z"),
    timerUnitDir: null,
    timerEnabled: false,
    ...overrides,
  };
}

function setup() {
  const db = openMemoryDatabase();
  const unitDir = mkdtempSync(join(tmpdir(), "cortex-status-"));
  dirs.push(unitDir);
  writeFileSync(join(unitDir, "cortex-security-nightly.timer"), "[Timer]\n");
  insertSchedule(db, scheduleOf("nightly", { timerUnitDir: unitDir, timerEnabled: true }));
  insertSchedule(
    db,
    scheduleOf("weekly", {
      frequency: "weekly",
      patchEnabled: true,
      strategy: "automatic",
      offline: true,
    }),
  );
  const runId = recordRunStart(db, {
    scheduleId: "nightly",
    startedAt: new Date("2026-12-04T03:31:00Z"),
    dryRun: false,
  });
  recordRunEnd(db, runId, {
    finishedAt: new Date("2026-12-04T03:32:00Z"),
    outcome: "failed",
    exitCode: 4,
    scanId: null,
    counts: null,
    historyId: null,
    patchOutcome: null,
    reason: "OSV unreachable",
    warnings: [],
  });
  return db;
}

describe("schedulesStatus", () => {
  test("summarizes last and next run", async () => {
    const db = setup();
    const runner = recordingRunner((argv) => ({
      exitCode: 0,
      stdout: argv.includes("Mon *-*-* 04:00:00")
        ? "    Next elapse: Mon 2026-12-07 04:00:00 UTC\n"
        : "    Next elapse: Sat 2026-12-05 03:30:00 UTC\n",
      stderr: "",
    }));
    const statuses = await schedulesStatus(db, NOW, runner);

    expect(statuses).toEqual([
      {
        id: "nightly",
        frequency: "daily",
        onCalendar: "*-*-* 03:30:00",
        patchEnabled: false,
        strategy: null,
        offline: false,
        timerInstalled: true,
        lastRun: {
          startedAt: "2026-12-04T03:31:00.000Z",
          finishedAt: "2026-12-04T03:32:00.000Z",
          outcome: "failed",
          reason: "OSV unreachable",
        },
        nextRun: "2026-12-05T03:30:00.000Z",
      },
      {
        id: "weekly",
        frequency: "weekly",
        onCalendar: "Mon *-*-* 04:00:00",
        patchEnabled: true,
        strategy: "automatic",
        offline: true,
        timerInstalled: false,
        lastRun: null,
        nextRun: "2026-12-07T04:00:00.000Z",
      },
    ]);
    expect(runner.calls[0]).toContain(`--base-time=@${NOW.getTime() / 1000}`);
  });

  test("without runner next run is unknown", async () => {
    const statuses = await schedulesStatus(setup(), NOW);
    expect(statuses.map((status) => status.nextRun)).toEqual([null, null]);
  });

  test("missing systemd-analyze gives unknown", async () => {
    const runner = recordingRunner(() => ({ exitCode: 127, stdout: "", stderr: "not found" }));
    const statuses = await schedulesStatus(setup(), NOW, runner);
    expect(statuses.map((status) => status.nextRun)).toEqual([null, null]);
    expect(formatScheduleTable(statuses)).toContain("unknown");
  });

  test("table shows every column", async () => {
    const runner = recordingRunner(() => ({
      exitCode: 0,
      stdout: "    Next elapse: Sat 2026-12-05 03:30:00 UTC\n",
      stderr: "",
    }));
    const table = formatScheduleTable(await schedulesStatus(setup(), NOW, runner));
    const [header, nightly, weekly] = table.split("\n");
    expect(header).toMatch(
      /^ID\s+FREQUENCY\s+STRATEGY\s+PATCH\s+OFFLINE\s+TIMER\s+LAST RUN\s+OUTCOME\s+NEXT RUN$/,
    );
    expect(nightly).toMatch(
      /^nightly\s+daily\s+-\s+no\s+no\s+yes\s+2026-12-04 03:31 UTC\s+failed\s+2026-12-05 03:30 UTC$/,
    );
    expect(weekly).toMatch(/^weekly\s+weekly\s+automatic\s+yes\s+yes\s+no\s+never\s+-\s+/);
  });
});
