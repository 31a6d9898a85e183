import type { Migration } from "./migration.ts";

export const advisoriesMigration: Migration = {
  version: 1,
  name: "advisories",
  sql: `
CREATE TABLE advisories (
  id TEXT PRIMARY KEY NOT NULL,
  modified TEXT NOT NULL,
  record_json TEXT NOT NULL,
  origin TEXT NOT NULL,
  stored_at INTEGER NOT NULL
);
CREATE TABLE advisory_packages (
  advisory_id TEXT NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (advisory_id, ecosystem, name)
);
CREATE INDEX advisory_packages_by_package ON advisory_packages (ecosystem, name);
CREATE TABLE data_sources (
  ecosystem TEXT NOT NULL,
  source TEXT NOT NULL,
  refreshed_at INTEGER NOT NULL,
  newest_modified TEXT,
  PRIMARY KEY (ecosystem, source)
);
CREATE TABLE advisory_imports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  path TEXT NOT NULL,
  format TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  imported INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  unchanged INTEGER NOT NULL,
  rejected INTEGER NOT NULL
);
CREATE TABLE osv_query_cache (
  osv_url TEXT NOT NULL,
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  vulnerability_ids_json TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  PRIMARY KEY (osv_url, ecosystem, name, version)
);
CREATE TABLE nvd_cache (
  cve_id TEXT PRIMARY KEY NOT NULL,
  found INTEGER NOT NULL,
  metric_json TEXT,
  fetched_at INTEGER NOT NULL
);
`,
};
