import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { scans } from "./scans.ts";

/**
 * One security schedule. It lives in the database of the data directory so that the root
 * service started by its timer reads the same row as the administrator who created it.
 */
export const schedules = sqliteTable("schedules", {
  /** Also the middle of the unit names: `cortex-security-<id>.timer`. */
  id: text("id").primaryKey(),
  /** `daily`, `weekly` or `monthly`. */
  frequency: text("frequency").notNull(),
  /** The `--on-calendar` expression, or null to use the frequency's default time. */
  onCalendar: text("on_calendar"),
  patchEnabled: integer("patch_enabled", { mode: "boolean" }).notNull(),
  /** Patch strategy (`critical_only`, `high_and_above`, `automatic`); null when patching is off. */
  strategy: text("strategy"),
  offline: integer("offline", { mode: "boolean" }).notNull(),
  /** Absolute data directory that the service unit passes on with `--data-dir`. */
  dataDir: text("data_dir").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  /** Directory the timer and service units were written to; null when no timer is installed. */
  timerUnitDir: text("timer_unit_dir"),
  /** True when install-timer also ran `systemctl enable --now` for the timer. */
  timerEnabled: integer("timer_enabled", { mode: "boolean" }).notNull(),
});

/** One run of a schedule, recorded at its start and completed at its end. */
export const scheduleRuns = sqliteTable(
  "schedule_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    scheduleId: text("schedule_id")
      .notNull()
      .references(() => schedules.id, { onDelete: "cascade" }),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    /** Null while the run is going on, or when its process died before finishing. */
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    /** `running`, `succeeded` or `failed`. */
    outcome: text("outcome").notNull(),
    /** Process exit code of the run; null while running. */
    exitCode: integer("exit_code"),
    /** True for `schedule run --dry-run`: the patch plan was made but not applied. */
    dryRun: integer("dry_run", { mode: "boolean" }).notNull(),
    scanId: integer("scan_id").references(() => scans.id, { onDelete: "set null" }),
    /** Findings per severity of the run's scan, as JSON; null when the scan did not finish. */
    countsJson: text("counts_json"),
    /** Id of the patch history entry the run created; null without patching or before apply. */
    historyId: integer("history_id"),
    /** Outcome word reported by the patcher, when the run patched. */
    patchOutcome: text("patch_outcome"),
    /** Reason the run failed, or null on success. */
    reason: text("reason"),
    warningsJson: text("warnings_json").notNull(),
  },
  (table) => [index("schedule_runs_by_schedule").on(table.scheduleId, table.startedAt)],
);
