import { and, desc, eq } from "drizzle-orm";
import type { Finding } from "../scan/finding.ts";
import type { ScanResult, UncheckedPackage } from "../scan/scan-result.ts";
import type { SeverityCounts } from "../severity/severity.ts";
import type { CortexDatabase } from "./open-database.ts";
import { scans } from "./schema/scans.ts";

/** Stores a scan with its findings and returns its id. */
export function saveScan(db: CortexDatabase, scan: ScanResult): number {
  const inserted = db
    .insert(scans)
    .values({
      startedAt: scan.startedAt,
      finishedAt: scan.finishedAt,
      root: scan.root,
      ecosystem: scan.ecosystem,
      mode: scan.mode,
      complete: scan.complete,
      packageCount: scan.packageCount,
      packageFilter: scan.packageFilter,
      dataRefreshedAt: scan.dataRefreshedAt,
      countsJson: JSON.stringify(scan.counts),
      warningsJson: JSON.stringify(scan.warnings),
      uncheckedJson: JSON.stringify(scan.unchecked),
      findingsJson: JSON.stringify(scan.findings),
    })
    .returning({ id: scans.id })
    .get();
  return inserted.id;
}

/** Loads one stored scan with its findings, or null when there is no such id. */
export function loadScan(db: CortexDatabase, id: number): ScanResult | null {
  const row = db.select().from(scans).where(eq(scans.id, id)).get();
  if (!row) return null;
  const findings = JSON.parse(row.findingsJson) as Finding[];
  return {
    id: row.id,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    root: row.root,
    ecosystem: row.ecosystem,
    mode: row.mode === "online" ? "online" : "offline",
    complete: row.complete,
    packageCount: row.packageCount,
    packageFilter: row.packageFilter,
    dataRefreshedAt: row.dataRefreshedAt,
    counts: JSON.parse(row.countsJson) as SeverityCounts,
    findings,
    warnings: JSON.parse(row.warningsJson) as string[],
    unchecked: JSON.parse(row.uncheckedJson) as UncheckedPackage[],
  };
}

/**
 * Loads the newest scan, optionally only of one root and only full scans
 * (no `--package` filter). Returns null when none was recorded.
 */
export function loadLatestScan(
  db: CortexDatabase,
  filter: { root?: string; fullOnly?: boolean } = {},
): ScanResult | null {
  const conditions = [];
  if (filter.root !== undefined) conditions.push(eq(scans.root, filter.root));
  const rows = db
    .select({ id: scans.id, packageFilter: scans.packageFilter })
    .from(scans)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(scans.finishedAt), desc(scans.id))
    .all();
  const row = filter.fullOnly
    ? rows.find((candidate) => candidate.packageFilter === null)
    : rows[0];
  return row ? loadScan(db, row.id) : null;
}
