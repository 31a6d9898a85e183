import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One finished scan: what `patch`, schedules and the status endpoint read later. */
export const scans = sqliteTable(
  "scans",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }).notNull(),
    /** Filesystem root that was scanned: `/` for the host. */
    root: text("root").notNull(),
    ecosystem: text("ecosystem").notNull(),
    /** `offline` (local database only) or `online`. */
    mode: text("mode").notNull(),
    /** False when some lookups failed, so the findings may be missing some. */
    complete: integer("complete", { mode: "boolean" }).notNull(),
    packageCount: integer("package_count").notNull(),
    /** `--package` filter, when the scan covered one package only. */
    packageFilter: text("package_filter"),
    /** When the advisory data used was last refreshed; null when there was none. */
    dataRefreshedAt: integer("data_refreshed_at", { mode: "timestamp_ms" }),
    countsJson: text("counts_json").notNull(),
    warningsJson: text("warnings_json").notNull(),
    /** Source packages whose lookup failed, as JSON. */
    uncheckedJson: text("unchecked_json").notNull(),
    /**
     * The findings in the `scan --json` shape, as one JSON array. One value
     * instead of a row per finding: a host scan can store thousands, and readers
     * always load a scan's findings together.
     */
    findingsJson: text("findings_json").notNull(),
  },
  (table) => [index("scans_by_root").on(table.root, table.finishedAt)],
);
