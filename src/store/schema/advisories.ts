import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One OSV record, kept as the exact JSON it arrived in so that exports round-trip. */
export const advisories = sqliteTable("advisories", {
  id: text("id").primaryKey(),
  /** The record's own `modified` timestamp (RFC 3339), used to decide whether an import replaces it. */
  modified: text("modified").notNull(),
  recordJson: text("record_json").notNull(),
  /** Origin of the stored copy: `import` or `osv-api`. */
  origin: text("origin").notNull(),
  storedAt: integer("stored_at", { mode: "timestamp_ms" }).notNull(),
});

/** Lookup index: which records have an affected entry for (ecosystem, package name). */
export const advisoryPackages = sqliteTable(
  "advisory_packages",
  {
    advisoryId: text("advisory_id")
      .notNull()
      .references(() => advisories.id, { onDelete: "cascade" }),
    ecosystem: text("ecosystem").notNull(),
    name: text("name").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.advisoryId, table.ecosystem, table.name] }),
    index("advisory_packages_by_package").on(table.ecosystem, table.name),
  ],
);

/**
 * When the advisory data of an ecosystem was last refreshed, by an import or an
 * online lookup. The data age that every report shows is measured from here.
 */
export const dataSources = sqliteTable(
  "data_sources",
  {
    ecosystem: text("ecosystem").notNull(),
    /** `import` or `osv-api`. */
    source: text("source").notNull(),
    refreshedAt: integer("refreshed_at", { mode: "timestamp_ms" }).notNull(),
    /** Newest `modified` among the records that refresh saw. */
    newestModified: text("newest_modified"),
  },
  (table) => [primaryKey({ columns: [table.ecosystem, table.source] })],
);

/** One run of `db import`, with its counts. */
export const advisoryImports = sqliteTable("advisory_imports", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  path: text("path").notNull(),
  format: text("format").notNull(),
  startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
  finishedAt: integer("finished_at", { mode: "timestamp_ms" }).notNull(),
  imported: integer("imported").notNull(),
  updated: integer("updated").notNull(),
  unchanged: integer("unchanged").notNull(),
  rejected: integer("rejected").notNull(),
});

/**
 * Cached result of one OSV server for one (ecosystem, source name, source version) query.
 * Keyed by the server too, because a mirror set with `CORTEX_OSV_URL` may return other results.
 */
export const osvQueryCache = sqliteTable(
  "osv_query_cache",
  {
    /** Base URL of the OSV API that returned the result, without a trailing slash. */
    osvUrl: text("osv_url").notNull(),
    ecosystem: text("ecosystem").notNull(),
    name: text("name").notNull(),
    version: text("version").notNull(),
    /** JSON array of vulnerability ids; `[]` only after a successful lookup. */
    vulnerabilityIdsJson: text("vulnerability_ids_json").notNull(),
    fetchedAt: integer("fetched_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.osvUrl, table.ecosystem, table.name, table.version] })],
);

/** Cached NVD CVE API response for one CVE id. */
export const nvdCache = sqliteTable("nvd_cache", {
  cveId: text("cve_id").primaryKey(),
  /** False when NVD reported that it has no such CVE. */
  found: integer("found", { mode: "boolean" }).notNull(),
  /** The primary metric chosen (version, vector, base score, severity) as JSON, or null. */
  metricJson: text("metric_json"),
  fetchedAt: integer("fetched_at", { mode: "timestamp_ms" }).notNull(),
});
