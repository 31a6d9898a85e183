import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CommandRunner } from "../platform/command-runner.ts";
import type { CortexDatabase } from "../store/open-database.ts";
import { onCalendarOf } from "./on-calendar.ts";
import type { Frequency, RunOutcome, Schedule, ScheduleStrategy } from "./schedule.ts";
import { timerUnitName } from "./schedule-id.ts";
import { lastScheduleRun, listSchedules } from "./schedule-store.ts";
import { nextElapse } from "./systemd-calendar.ts";

/** One line of the schedule summary that `schedule list` and the status endpoint show. */
export interface ScheduleStatus {
  id: string;
  frequency: Frequency;
  onCalendar: string;
  patchEnabled: boolean;
  strategy: ScheduleStrategy | null;
  offline: boolean;
  /** True when the timer unit file is present where install-timer wrote it. */
  timerInstalled: boolean;
  lastRun: {
    startedAt: string;
    finishedAt: string | null;
    outcome: RunOutcome;
    reason: string | null;
  } | null;
  /**
   * Next elapse of the OnCalendar expression (ISO 8601, UTC), before the timer's randomized
   * delay. It is null when unknown (no runner given, systemd-analyze missing) or when it never
   * comes. The schedule runs then only if its timer is installed and enabled.
   */
  nextRun: string | null;
}

/**
 * Summarizes every schedule: last run with its outcome and next run. The next run comes from
 * `systemd-analyze calendar`, so it is computed only when a command runner is passed.
 */
export async function schedulesStatus(
  db: CortexDatabase,
  now: Date,
  runner?: CommandRunner,
): Promise<ScheduleStatus[]> {
  const statuses: ScheduleStatus[] = [];
  for (const schedule of listSchedules(db)) {
    statuses.push(await scheduleStatus(db, schedule, now, runner));
  }
  return statuses;
}

/** Summarizes one schedule; see `schedulesStatus`. */
export async function scheduleStatus(
  db: CortexDatabase,
  schedule: Schedule,
  now: Date,
  runner?: CommandRunner,
): Promise<ScheduleStatus> {
  const onCalendar = onCalendarOf(schedule);
  const lastRun = lastScheduleRun(db, schedule.id);
  const next = runner ? await nextElapse(runner, onCalendar, now) : null;
  return {
    id: schedule.id,
    frequency: schedule.frequency,
    onCalendar,
    patchEnabled: schedule.patchEnabled,
    strategy: schedule.strategy,
    offline: schedule.offline,
    timerInstalled: isTimerInstalled(schedule),
    lastRun: lastRun && {
      startedAt: lastRun.startedAt.toISOString(),
      finishedAt: lastRun.finishedAt?.toISOString() ?? null,
      outcome: lastRun.outcome,
      reason: lastRun.reason,
    },
    nextRun: next?.toISOString() ?? null,
  };
}

/** True when the schedule records a unit directory and its timer file is still there. */
export function isTimerInstalled(schedule: Pick<Schedule, "id" | "timerUnitDir">): boolean {
  return (
    schedule.timerUnitDir !== null &&
    existsSync(join(schedule.timerUnitDir, timerUnitName(schedule.id)))
  );
}
