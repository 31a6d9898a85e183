import type { Migration } from "./migration.ts";

export const schedulesMigration: Migration = {
  version: 4,
  name: "schedules",
  sql: `
CREATE TABLE schedules (
  id TEXT PRIMARY KEY NOT NULL,
  frequency TEXT NOT NULL,
  on_calendar TEXT,
  patch_enabled INTEGER NOT NULL,
  strategy TEXT,
  offline INTEGER NOT NULL,
  data_dir TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  timer_unit_dir TEXT,
  timer_enabled INTEGER NOT NULL
);
CREATE TABLE schedule_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  outcome TEXT NOT NULL,
  exit_code INTEGER,
  dry_run INTEGER NOT NULL,
  scan_id INTEGER REFERENCES scans(id) ON DELETE SET NULL,
  counts_json TEXT,
  history_id INTEGER,
  patch_outcome TEXT,
  reason TEXT,
  warnings_json TEXT NOT NULL
);
CREATE INDEX schedule_runs_by_schedule ON schedule_runs (schedule_id, started_at);
`,
};
