import { desc, eq, lt } from "drizzle-orm";
import type { PatchPlan } from "../patching/patch-plan.ts";
import type { CortexDatabase } from "../store/open-database.ts";
import { historyEntries } from "../store/schema/history.ts";
import type {
  CommandRecord,
  HistoryEntry,
  HistoryKind,
  HistoryPackage,
  HistoryStatus,
  RebootStatus,
} from "./history-entry.ts";

type HistoryRow = typeof historyEntries.$inferSelect;

/** Fields of a new entry; the database assigns the id. */
export type NewHistoryEntry = Omit<HistoryEntry, "id" | "rolledBackBy">;

/** Stores a new entry and returns its id. */
export function insertHistoryEntry(db: CortexDatabase, entry: NewHistoryEntry): number {
  const row = db
    .insert(historyEntries)
    .values({
      kind: entry.kind,
      status: entry.status,
      root: entry.root,
      startedAt: entry.startedAt,
      finishedAt: entry.finishedAt,
      strategy: entry.strategy,
      rollbackOf: entry.rollbackOf,
      planJson: entry.plan ? JSON.stringify(entry.plan) : null,
      packagesJson: JSON.stringify(entry.packages),
      commandsJson: JSON.stringify(entry.commands),
      messagesJson: JSON.stringify(entry.messages),
      rebootJson: entry.reboot ? JSON.stringify(entry.reboot) : null,
    })
    .returning({ id: historyEntries.id })
    .get();
  return row.id;
}

/** Changes of a running entry: its outcome, packages, commands and messages. */
export interface HistoryUpdate {
  status?: HistoryStatus;
  finishedAt?: Date | null;
  packages?: HistoryPackage[];
  commands?: CommandRecord[];
  messages?: string[];
  reboot?: RebootStatus | null;
  rolledBackBy?: number;
}

export function updateHistoryEntry(db: CortexDatabase, id: number, update: HistoryUpdate): void {
  const values: Partial<typeof historyEntries.$inferInsert> = {};
  if (update.status !== undefined) values.status = update.status;
  if (update.finishedAt !== undefined) values.finishedAt = update.finishedAt;
  if (update.packages !== undefined) values.packagesJson = JSON.stringify(update.packages);
  if (update.commands !== undefined) values.commandsJson = JSON.stringify(update.commands);
  if (update.messages !== undefined) values.messagesJson = JSON.stringify(update.messages);
  if (update.reboot !== undefined) {
    values.rebootJson = update.reboot ? JSON.stringify(update.reboot) : null;
  }
  if (update.rolledBackBy !== undefined) values.rolledBackBy = update.rolledBackBy;
  db.update(historyEntries).set(values).where(eq(historyEntries.id, id)).run();
}

/**
 * Marks a running entry `failed` after an unexpected error (a command that could not be
 * started, a database error), keeping the commands run so far. The state actually reached is
 * unknown then, so the message states that it must be checked.
 */
export function recordRunError(
  db: CortexDatabase,
  id: number,
  error: unknown,
  commands: CommandRecord[],
  now: Date,
): void {
  const reason = error instanceof Error ? error.message : String(error);
  updateHistoryEntry(db, id, {
    status: "failed",
    finishedAt: now,
    commands,
    messages: [
      `the run stopped with an error: ${reason}; check the installed versions with dpkg-query before running again`,
    ],
  });
}

/** Lists entries, newest first; `limit` caps the count (all when omitted). */
export function listHistory(db: CortexDatabase, options: { limit?: number } = {}): HistoryEntry[] {
  const query = db
    .select()
    .from(historyEntries)
    .orderBy(desc(historyEntries.startedAt), desc(historyEntries.id));
  const rows = options.limit === undefined ? query.all() : query.limit(options.limit).all();
  return rows.map(toHistoryEntry);
}

/** Loads one entry, or null when there is no entry with that id. */
export function loadHistoryEntry(db: CortexDatabase, id: number): HistoryEntry | null {
  const row = db.select().from(historyEntries).where(eq(historyEntries.id, id)).get();
  return row ? toHistoryEntry(row) : null;
}

/** Lists entries that started before `cutoff`, oldest first. */
export function listHistoryBefore(db: CortexDatabase, cutoff: Date): HistoryEntry[] {
  return db
    .select()
    .from(historyEntries)
    .where(lt(historyEntries.startedAt, cutoff))
    .orderBy(historyEntries.startedAt, historyEntries.id)
    .all()
    .map(toHistoryEntry);
}

/** Lists the entries whose status is still `running`, oldest first. */
export function listRunningHistory(db: CortexDatabase): HistoryEntry[] {
  return db
    .select()
    .from(historyEntries)
    .where(eq(historyEntries.status, "running"))
    .orderBy(historyEntries.startedAt, historyEntries.id)
    .all()
    .map(toHistoryEntry);
}

export function deleteHistoryEntry(db: CortexDatabase, id: number): void {
  db.delete(historyEntries).where(eq(historyEntries.id, id)).run();
}

function toHistoryEntry(row: HistoryRow): HistoryEntry {
  return {
    id: row.id,
    kind: row.kind as HistoryKind,
    status: row.status as HistoryStatus,
    root: row.root,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    strategy: row.strategy,
    rollbackOf: row.rollbackOf,
    rolledBackBy: row.rolledBackBy,
    plan: row.planJson ? (JSON.parse(row.planJson) as PatchPlan) : null,
    packages: JSON.parse(row.packagesJson) as HistoryPackage[],
    commands: JSON.parse(row.commandsJson) as CommandRecord[],
    messages: JSON.parse(row.messagesJson) as string[],
    reboot: row.rebootJson ? (JSON.parse(row.rebootJson) as RebootStatus) : null,
  };
}
