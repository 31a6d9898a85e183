import type { Database, Statement } from "bun:sqlite";
import { count, desc, eq } from "drizzle-orm";
import type { OsvRecord } from "../advisories/osv/osv-record.ts";
import type { CortexDatabase } from "./open-database.ts";
import { advisories, advisoryImports, dataSources } from "./schema/advisories.ts";

/** Origin of a stored record: a bulk file (`db import`) or an OSV API lookup. */
export type AdvisoryOrigin = "import" | "osv-api";

/** Outcome of `upsertAdvisory` for one record. */
export type UpsertOutcome = "imported" | "updated" | "unchanged";

/** One record to store: the validated record and the exact JSON text it was parsed from. */
export interface AdvisoryToStore {
  record: OsvRecord;
  rawJson: string;
}

/**
 * Stores one OSV record and its (ecosystem, package name) index rows, in one transaction.
 *
 * A record with a newer `modified` than the stored copy replaces it and its index rows
 * (`updated`). An equal or older one leaves the stored copy alone (`unchanged`).
 * `rawJson` is stored byte for byte, so an export gives back the text that was imported.
 * Inside a running transaction this becomes a savepoint of it.
 */
export function upsertAdvisory(
  db: CortexDatabase,
  record: OsvRecord,
  rawJson: string,
  origin: AdvisoryOrigin,
  now: Date,
): UpsertOutcome {
  const statements = statementsFor(db.$client);
  return db.$client.transaction(() => writeAdvisory(statements, record, rawJson, origin, now))();
}

/**
 * Stores many records like `upsertAdvisory`, all in one transaction, and returns
 * one outcome per record in input order. This is the fast path for imports.
 */
export function upsertAdvisories(
  db: CortexDatabase,
  items: readonly AdvisoryToStore[],
  origin: AdvisoryOrigin,
  now: Date,
): UpsertOutcome[] {
  const statements = statementsFor(db.$client);
  return db.$client.transaction(() =>
    items.map((item) => writeAdvisory(statements, item.record, item.rawJson, origin, now)),
  )();
}

/**
 * Loads every stored record with an affected entry for one of `ecosystems` and one of
 * `names` (source package names for Debian and Ubuntu), each record once, ordered by id.
 * Records are not validated again: only validated records are ever stored.
 */
export function loadAdvisoriesForPackages(
  db: CortexDatabase,
  ecosystems: readonly string[],
  names: readonly string[],
): OsvRecord[] {
  if (ecosystems.length === 0 || names.length === 0) return [];
  const rows = statementsFor(db.$client).selectByPackages.all(
    JSON.stringify(ecosystems),
    JSON.stringify(names),
  ) as { record_json: string }[];
  return rows.map((row) => JSON.parse(row.record_json) as OsvRecord);
}

/** Records that the advisory data of `ecosystem` was refreshed by `source` at `refreshedAt`. */
export function markDataRefreshed(
  db: CortexDatabase,
  ecosystem: string,
  source: AdvisoryOrigin,
  refreshedAt: Date,
  newestModified: string | null,
): void {
  db.insert(dataSources)
    .values({ ecosystem, source, refreshedAt, newestModified })
    .onConflictDoUpdate({
      target: [dataSources.ecosystem, dataSources.source],
      set: { refreshedAt, newestModified },
    })
    .run();
}

/** Freshness of the stored data of one ecosystem. */
export interface DataFreshness {
  /** Latest refresh by any source; null when the ecosystem was never imported or fetched. */
  refreshedAt: Date | null;
  /** Newest `modified` that a refresh saw; null when none was recorded. */
  newestModified: string | null;
  /** Stored records with an affected entry in the ecosystem. */
  recordCount: number;
}

/** Reports when the data of `ecosystem` was last refreshed and how many records it has. */
export function dataFreshness(db: CortexDatabase, ecosystem: string): DataFreshness {
  const sources = db.select().from(dataSources).where(eq(dataSources.ecosystem, ecosystem)).all();
  let refreshedAt: Date | null = null;
  let newestModified: string | null = null;
  for (const source of sources) {
    if (refreshedAt === null || source.refreshedAt > refreshedAt) refreshedAt = source.refreshedAt;
    newestModified = newerTimestamp(newestModified, source.newestModified);
  }
  const row = statementsFor(db.$client).countForEcosystem.get(ecosystem) as { count: number };
  return { refreshedAt, newestModified, recordCount: row.count };
}

/** Number of stored records per ecosystem, ordered by ecosystem. A record with two ecosystems counts in both. */
export function advisoryCountsByEcosystem(
  db: CortexDatabase,
): { ecosystem: string; recordCount: number }[] {
  const rows = statementsFor(db.$client).countByEcosystem.all() as {
    ecosystem: string;
    count: number;
  }[];
  return rows.map((row) => ({ ecosystem: row.ecosystem, recordCount: row.count }));
}

/** Counts every stored record, including those without an affected package. */
export function countAdvisories(db: CortexDatabase): number {
  return db.select({ value: count() }).from(advisories).get()?.value ?? 0;
}

/** One refresh of one ecosystem, as `data_sources` stores it. */
export interface DataSourceRow {
  ecosystem: string;
  source: string;
  refreshedAt: Date;
  newestModified: string | null;
}

/** Lists every (ecosystem, source) refresh, ordered by ecosystem and source. */
export function listDataSources(db: CortexDatabase): DataSourceRow[] {
  return db.select().from(dataSources).orderBy(dataSources.ecosystem, dataSources.source).all();
}

/** One finished `db import` run. */
export interface AdvisoryImportRow {
  path: string;
  format: string;
  startedAt: Date;
  finishedAt: Date;
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/** Stores one finished `db import` run. */
export function recordAdvisoryImport(db: CortexDatabase, row: AdvisoryImportRow): void {
  db.insert(advisoryImports).values(row).run();
}

/** Loads the most recent `db import` run, or null when there was none. */
export function loadLatestAdvisoryImport(db: CortexDatabase): AdvisoryImportRow | null {
  const row = db
    .select()
    .from(advisoryImports)
    .orderBy(desc(advisoryImports.finishedAt), desc(advisoryImports.id))
    .limit(1)
    .get();
  if (!row) return null;
  const { id: _id, ...rest } = row;
  return rest;
}

/**
 * Orders two RFC 3339 timestamps by the instant they name (negative when `a` is
 * earlier). Digits beyond milliseconds, which `Date.parse` drops, break ties.
 * Text that is not a timestamp sorts by plain string order after the instants.
 */
export function compareOsvTimestamps(a: string, b: string): number {
  const aTime = Date.parse(a);
  const bTime = Date.parse(b);
  if (Number.isNaN(aTime) || Number.isNaN(bTime)) {
    if (Number.isNaN(aTime) !== Number.isNaN(bTime)) return Number.isNaN(aTime) ? 1 : -1;
    return compareStrings(a, b);
  }
  if (aTime !== bTime) return aTime - bTime;
  return compareStrings(subMillisecondDigits(a), subMillisecondDigits(b));
}

function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Returns the later of two timestamps, treating null as "none". */
export function newerTimestamp(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareOsvTimestamps(b, a) > 0 ? b : a;
}

function subMillisecondDigits(timestamp: string): string {
  const fraction = /\.(\d+)/.exec(timestamp)?.[1] ?? "";
  return fraction.slice(3).padEnd(9, "0");
}

interface AdvisoryStatements {
  selectModified: Statement;
  insertAdvisory: Statement;
  updateAdvisory: Statement;
  deletePackages: Statement;
  insertPackage: Statement;
  selectByPackages: Statement;
  countForEcosystem: Statement;
  countByEcosystem: Statement;
}

// Prepared once per connection: preparing per record would cost more than the writes.
const statementCache = new WeakMap<Database, AdvisoryStatements>();

function statementsFor(client: Database): AdvisoryStatements {
  const cached = statementCache.get(client);
  if (cached) return cached;
  const statements: AdvisoryStatements = {
    selectModified: client.prepare("SELECT modified FROM advisories WHERE id = ?"),
    insertAdvisory: client.prepare(
      "INSERT INTO advisories (id, modified, record_json, origin, stored_at) VALUES (?, ?, ?, ?, ?)",
    ),
    updateAdvisory: client.prepare(
      "UPDATE advisories SET modified = ?, record_json = ?, origin = ?, stored_at = ? WHERE id = ?",
    ),
    deletePackages: client.prepare("DELETE FROM advisory_packages WHERE advisory_id = ?"),
    insertPackage: client.prepare(
      "INSERT OR IGNORE INTO advisory_packages (advisory_id, ecosystem, name) VALUES (?, ?, ?)",
    ),
    // The IN lists come as JSON arrays so that any number of names is one statement;
    // the planner still uses advisory_packages_by_package for the lookup.
    selectByPackages: client.prepare(
      `SELECT record_json FROM advisories WHERE id IN (
         SELECT advisory_id FROM advisory_packages
         WHERE ecosystem IN (SELECT value FROM json_each(?1))
           AND name IN (SELECT value FROM json_each(?2))
       ) ORDER BY id`,
    ),
    countForEcosystem: client.prepare(
      "SELECT COUNT(DISTINCT advisory_id) AS count FROM advisory_packages WHERE ecosystem = ?",
    ),
    countByEcosystem: client.prepare(
      `SELECT ecosystem, COUNT(DISTINCT advisory_id) AS count
       FROM advisory_packages GROUP BY ecosystem ORDER BY ecosystem`,
    ),
  };
  statementCache.set(client, statements);
  return statements;
}

function writeAdvisory(
  statements: AdvisoryStatements,
  record: OsvRecord,
  rawJson: string,
  origin: AdvisoryOrigin,
  now: Date,
): UpsertOutcome {
  const stored = statements.selectModified.get(record.id) as { modified: string } | null;
  const storedAt = now.getTime();

  if (stored === null) {
    statements.insertAdvisory.run(record.id, record.modified, rawJson, origin, storedAt);
  } else if (compareOsvTimestamps(record.modified, stored.modified) > 0) {
    statements.updateAdvisory.run(record.modified, rawJson, origin, storedAt, record.id);
    statements.deletePackages.run(record.id);
  } else {
    return "unchanged";
  }

  for (const entry of record.affected ?? []) {
    if (entry.package === undefined) continue;
    statements.insertPackage.run(record.id, entry.package.ecosystem, entry.package.name);
  }
  return stored === null ? "imported" : "updated";
}
