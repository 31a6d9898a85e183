import { and, asc, desc, eq } from "drizzle-orm";
import { inputError } from "../platform/errors.ts";
import type { SeverityCounts } from "../severity/severity.ts";
import type { CortexDatabase } from "../store/open-database.ts";
import { scheduleRuns, schedules } from "../store/schema/schedules.ts";
import {
  type Frequency,
  isFrequency,
  isScheduleStrategy,
  type RunOutcome,
  type Schedule,
  type ScheduleRun,
  type ScheduleStrategy,
} from "./schedule.ts";

type ScheduleRow = typeof schedules.$inferSelect;
type RunRow = typeof scheduleRuns.$inferSelect;

/** Inserts a new schedule; returns false when the id is taken. */
export function insertSchedule(db: CortexDatabase, schedule: Schedule): boolean {
  const inserted = db
    .insert(schedules)
    .values(schedule)
    .onConflictDoNothing({ target: schedules.id })
    .returning({ id: schedules.id })
    .all();
  return inserted.length === 1;
}

/** Loads one schedule, or null when there is none with that id. */
export function getSchedule(db: CortexDatabase, id: string): Schedule | null {
  const row = db.select().from(schedules).where(eq(schedules.id, id)).get();
  return row ? toSchedule(row) : null;
}

/** Lists every schedule, ordered by id. */
export function listSchedules(db: CortexDatabase): Schedule[] {
  return db.select().from(schedules).orderBy(asc(schedules.id)).all().map(toSchedule);
}

/** Deletes a schedule and its run records; returns false when there was none. */
export function deleteSchedule(db: CortexDatabase, id: string): boolean {
  const deleted = db
    .delete(schedules)
    .where(eq(schedules.id, id))
    .returning({ id: schedules.id })
    .all();
  return deleted.length === 1;
}

/** Records where the units of a schedule were written (null: removed) and whether they are enabled. */
export function setTimerState(
  db: CortexDatabase,
  id: string,
  state: { timerUnitDir: string | null; timerEnabled: boolean; dataDir?: string },
): void {
  db.update(schedules).set(state).where(eq(schedules.id, id)).run();
}

/** Records the start of a run and returns its id. */
export function recordRunStart(
  db: CortexDatabase,
  run: { scheduleId: string; startedAt: Date; dryRun: boolean },
): number {
  const inserted = db
    .insert(scheduleRuns)
    .values({ ...run, outcome: "running", warningsJson: "[]" })
    .returning({ id: scheduleRuns.id })
    .get();
  return inserted.id;
}

/** Fields recorded at the end of a run. */
export interface RunEnd {
  finishedAt: Date;
  outcome: Exclude<RunOutcome, "running">;
  exitCode: number;
  scanId: number | null;
  counts: SeverityCounts | null;
  historyId: number | null;
  patchOutcome: string | null;
  reason: string | null;
  warnings: string[];
}

/** Completes the record of a run started with `recordRunStart`. */
export function recordRunEnd(db: CortexDatabase, runId: number, end: RunEnd): void {
  db.update(scheduleRuns)
    .set({
      finishedAt: end.finishedAt,
      outcome: end.outcome,
      exitCode: end.exitCode,
      scanId: end.scanId,
      countsJson: end.counts === null ? null : JSON.stringify(end.counts),
      historyId: end.historyId,
      patchOutcome: end.patchOutcome,
      reason: end.reason,
      warningsJson: JSON.stringify(end.warnings),
    })
    .where(eq(scheduleRuns.id, runId))
    .run();
}

/**
 * Marks the runs of a schedule still `running` as `failed` with `reason`, leaving `finishedAt`
 * empty, and returns their ids. Call it only while holding the schedule's run lock: each run
 * holds it while it is `running`, so such a record belongs to a process that died.
 */
export function endInterruptedRuns(
  db: CortexDatabase,
  scheduleId: string,
  reason: string,
): number[] {
  return db
    .update(scheduleRuns)
    .set({ outcome: "failed", reason })
    .where(and(eq(scheduleRuns.scheduleId, scheduleId), eq(scheduleRuns.outcome, "running")))
    .returning({ id: scheduleRuns.id })
    .all()
    .map((row) => row.id);
}

/** Lists the runs of one schedule, newest first, at most `limit` of them. */
export function listScheduleRuns(
  db: CortexDatabase,
  scheduleId: string,
  limit = 20,
): ScheduleRun[] {
  return db
    .select()
    .from(scheduleRuns)
    .where(eq(scheduleRuns.scheduleId, scheduleId))
    .orderBy(desc(scheduleRuns.startedAt), desc(scheduleRuns.id))
    .limit(limit)
    .all()
    .map(toRun);
}

/** Loads one run record, or null when there is none with that id. */
export function getScheduleRun(db: CortexDatabase, runId: number): ScheduleRun | null {
  const row = db.select().from(scheduleRuns).where(eq(scheduleRuns.id, runId)).get();
  return row ? toRun(row) : null;
}

/** Loads the newest run of a schedule, or null when it never ran. */
export function lastScheduleRun(db: CortexDatabase, scheduleId: string): ScheduleRun | null {
  return listScheduleRuns(db, scheduleId, 1)[0] ?? null;
}

function toSchedule(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    frequency: readFrequency(row),
    onCalendar: row.onCalendar,
    patchEnabled: row.patchEnabled,
    strategy: readStrategy(row),
    offline: row.offline,
    dataDir: row.dataDir,
    createdAt: row.createdAt,
    timerUnitDir: row.timerUnitDir,
    timerEnabled: row.timerEnabled,
  };
}

function readFrequency(row: ScheduleRow): Frequency {
  if (isFrequency(row.frequency)) return row.frequency;
  throw inputError(
    `schedule ${row.id} has an unknown frequency ${JSON.stringify(row.frequency)} in the database, which this cortex does not know: it was written by a newer cortex or edited by hand, so use that newer cortex or fix the row`,
  );
}

function readStrategy(row: ScheduleRow): ScheduleStrategy | null {
  if (row.strategy === null || isScheduleStrategy(row.strategy)) return row.strategy;
  throw inputError(
    `schedule ${row.id} has an unknown strategy ${JSON.stringify(row.strategy)} in the database, which this cortex does not know: it was written by a newer cortex or edited by hand, so use that newer cortex or fix the row`,
  );
}

function toRun(row: RunRow): ScheduleRun {
  return {
    id: row.id,
    scheduleId: row.scheduleId,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    outcome: row.outcome as RunOutcome,
    exitCode: row.exitCode,
    dryRun: row.dryRun,
    scanId: row.scanId,
    counts: row.countsJson === null ? null : (JSON.parse(row.countsJson) as SeverityCounts),
    historyId: row.historyId,
    patchOutcome: row.patchOutcome,
    reason: row.reason,
    warnings: JSON.parse(row.warningsJson) as string[],
  };
}
