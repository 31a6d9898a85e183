import { formatAge } from "../../platform/format-age.ts";
import { dataAge } from "../../scan/data-age.ts";
import {
  advisoryCountsByEcosystem,
  countAdvisories,
  dataFreshness,
  listDataSources,
  loadLatestAdvisoryImport,
} from "../../store/advisory-store.ts";
import { countNvdResults } from "../../store/nvd-store.ts";
import type { CortexDatabase } from "../../store/open-database.ts";

/** The data of one ecosystem, as `db status` shows it. */
export interface EcosystemStatus {
  ecosystem: string;
  recordCount: number;
  /** Newest `modified` that a refresh saw, or null. */
  newestModified: string | null;
  /** Latest refresh by any source (ISO 8601), or null when none was recorded. */
  refreshedAt: string | null;
  /** Sources that refreshed this ecosystem (`import`, `osv-api`) with their times. */
  refreshes: { source: string; refreshedAt: string }[];
  /** Seconds since `refreshedAt`, or null. */
  ageSeconds: number | null;
  /** True when never refreshed or older than `maxDataAgeDays`. */
  stale: boolean;
}

/** Output of `db status --json`. */
export interface DbStatus {
  database: string;
  /** True when the database contains no advisory records and no NVD results. */
  empty: boolean;
  recordCount: number;
  ecosystems: EcosystemStatus[];
  nvdCacheCount: number;
  maxDataAgeDays: number;
  lastImport: {
    path: string;
    format: string;
    finishedAt: string;
    imported: number;
    updated: number;
    unchanged: number;
    rejected: number;
  } | null;
}

/** Collects record counts, data ages and the last import of the database at `databasePath`. */
export function collectDbStatus(
  db: CortexDatabase,
  databasePath: string,
  now: Date,
  maxDataAgeDays: number,
): DbStatus {
  const counts = new Map(
    advisoryCountsByEcosystem(db).map((row) => [row.ecosystem, row.recordCount]),
  );
  const sources = listDataSources(db);
  const names = [
    ...new Set([...counts.keys(), ...sources.map((source) => source.ecosystem)]),
  ].sort();

  const ecosystems = names.map((ecosystem): EcosystemStatus => {
    const freshness = dataFreshness(db, ecosystem);
    const { ageSeconds, stale } = dataAge(freshness.refreshedAt, now, maxDataAgeDays);
    return {
      ecosystem,
      recordCount: freshness.recordCount,
      newestModified: freshness.newestModified,
      refreshedAt: freshness.refreshedAt?.toISOString() ?? null,
      refreshes: sources
        .filter((source) => source.ecosystem === ecosystem)
        .map((source) => ({
          source: source.source,
          refreshedAt: source.refreshedAt.toISOString(),
        })),
      ageSeconds,
      stale,
    };
  });

  const recordCount = countAdvisories(db);
  const nvdCacheCount = countNvdResults(db);
  const lastImport = loadLatestAdvisoryImport(db);
  return {
    database: databasePath,
    empty: recordCount === 0 && nvdCacheCount === 0,
    recordCount,
    ecosystems,
    nvdCacheCount,
    maxDataAgeDays,
    lastImport:
      lastImport === null
        ? null
        : {
            path: lastImport.path,
            format: lastImport.format,
            finishedAt: lastImport.finishedAt.toISOString(),
            imported: lastImport.imported,
            updated: lastImport.updated,
            unchanged: lastImport.unchanged,
            rejected: lastImport.rejected,
          },
  };
}

/** Renders `db status` for people. */
export function renderDbStatusText(status: DbStatus): string {
  const lines = [`Advisory database: ${status.database}`];
  if (status.empty) {
    lines.push(
      "NO ADVISORY DATA: the database holds no advisory records, so an offline scan finds nothing.",
      "Load data with `cortex security db import FILE`, where FILE is an OSV all.zip for your",
      "release (for example Debian:12), a directory of OSV .json records, or NVD CVE API JSON.",
      "An online `cortex security scan` fetches the records it needs instead.",
    );
    return `${lines.join("\n")}\n`;
  }

  lines.push(`Records: ${status.recordCount}`);
  if (status.ecosystems.length > 0) {
    lines.push(...renderEcosystemTable(status));
  }
  lines.push(`NVD cache: ${status.nvdCacheCount} CVE ids`);
  const last = status.lastImport;
  if (last !== null) {
    lines.push(
      `Last import: ${last.path} (${last.format}) at ${last.finishedAt}: ${last.imported} new, ` +
        `${last.updated} updated, ${last.unchanged} unchanged, ${last.rejected} rejected`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function renderEcosystemTable(status: DbStatus): string[] {
  const rows = status.ecosystems.map((ecosystem) => [
    ecosystem.ecosystem,
    String(ecosystem.recordCount),
    ecosystem.newestModified ?? "-",
    describeRefresh(ecosystem, status.maxDataAgeDays),
  ]);
  const header = ["ECOSYSTEM", "RECORDS", "NEWEST MODIFIED", "DATA AS OF"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const format = (row: string[]) =>
    row
      .map((cell, column) => (column === 3 ? cell : cell.padEnd(widths[column] as number)))
      .join("  ");
  return [format(header), ...rows.map(format)];
}

function describeRefresh(ecosystem: EcosystemStatus, maxDataAgeDays: number): string {
  if (ecosystem.refreshedAt === null || ecosystem.ageSeconds === null) {
    return "never: no zip or directory import or online refresh recorded - STALE";
  }
  const sources = ecosystem.refreshes.map((refresh) => refresh.source).join(", ");
  const stale = ecosystem.stale ? ` - STALE, older than ${maxDataAgeDays} days` : "";
  return `${ecosystem.refreshedAt} (${formatAge(ecosystem.ageSeconds)} ago, by ${sources})${stale}`;
}
