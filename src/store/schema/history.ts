import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One patch or rollback run: what was planned, what ran, and the state reached. */
export const historyEntries = sqliteTable(
  "history_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** `patch` or `rollback`. */
    kind: text("kind").notNull(),
    /** `running`, `succeeded`, `partial`, `failed` or `refused`. */
    status: text("status").notNull(),
    /** Filesystem root that was changed: `/` for the host. */
    root: text("root").notNull(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    /** Null while the run is still going, or when it died before recording its end. */
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    strategy: text("strategy"),
    /** For a rollback: the entry it reverts. */
    rollbackOf: integer("rollback_of"),
    /** For a patch: the rollback entry that reverted it. */
    rolledBackBy: integer("rolled_back_by"),
    /** The PatchPlan as JSON; null for a rollback. */
    planJson: text("plan_json"),
    /** Packages with versions before, planned and reached, and saved .deb files, as JSON. */
    packagesJson: text("packages_json").notNull(),
    /** Commands run, with exit codes and output, as JSON. */
    commandsJson: text("commands_json").notNull(),
    /** Warnings and errors of the run, as a JSON array of strings. */
    messagesJson: text("messages_json").notNull(),
    /** Pending reboot and restart information (host only), as JSON, or null. */
    rebootJson: text("reboot_json"),
  },
  (table) => [index("history_entries_by_start").on(table.startedAt)],
);
