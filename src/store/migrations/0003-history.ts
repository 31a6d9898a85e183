import type { Migration } from "./migration.ts";

export const historyMigration: Migration = {
  version: 3,
  name: "history",
  sql: `
CREATE TABLE history_entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  root TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  strategy TEXT,
  rollback_of INTEGER,
  rolled_back_by INTEGER,
  plan_json TEXT,
  packages_json TEXT NOT NULL,
  commands_json TEXT NOT NULL,
  messages_json TEXT NOT NULL,
  reboot_json TEXT
);
CREATE INDEX history_entries_by_start ON history_entries (started_at);
`,
};
