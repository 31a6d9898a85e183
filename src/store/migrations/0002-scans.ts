import type { Migration } from "./migration.ts";

export const scansMigration: Migration = {
  version: 2,
  name: "scans",
  sql: `
CREATE TABLE scans (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  root TEXT NOT NULL,
  ecosystem TEXT NOT NULL,
  mode TEXT NOT NULL,
  complete INTEGER NOT NULL,
  package_count INTEGER NOT NULL,
  package_filter TEXT,
  data_refreshed_at INTEGER,
  counts_json TEXT NOT NULL,
  warnings_json TEXT NOT NULL,
  unchecked_json TEXT NOT NULL,
  findings_json TEXT NOT NULL
);
CREATE INDEX scans_by_root ON scans (root, finished_at);
`,
};
