import { count, inArray } from "drizzle-orm";
import type { NvdPrimaryMetric } from "../advisories/nvd/primary-metric.ts";
import type { CortexDatabase } from "./open-database.ts";
import { nvdCache } from "./schema/advisories.ts";

/** One cached NVD CVE API result for a CVE id. */
export interface NvdResult {
  /** Null when NVD has no usable CVSS metric for the CVE, or does not know it. */
  metric: NvdPrimaryMetric | null;
  /** When the result was fetched from NVD (for an imported file: when NVD produced it). */
  fetchedAt: Date;
  /** False when NVD responded that it has no such CVE. */
  found: boolean;
}

/** Stores (or replaces) the NVD result for one CVE id. */
export function saveNvdResult(
  db: CortexDatabase,
  cveId: string,
  metric: NvdPrimaryMetric | null,
  fetchedAt: Date,
  found = true,
): void {
  const row = {
    cveId,
    found,
    metricJson: metric === null ? null : JSON.stringify(metric),
    fetchedAt,
  };
  db.insert(nvdCache)
    .values(row)
    .onConflictDoUpdate({
      target: nvdCache.cveId,
      set: { found: row.found, metricJson: row.metricJson, fetchedAt: row.fetchedAt },
    })
    .run();
}

// SQLite's default limit on bound parameters was 999 before version 3.32, so stay below it.
const MAX_IDS_PER_QUERY = 900;

/** Loads the cached NVD results for these CVE ids. Ids never fetched are absent from the map. */
export function loadNvdResults(
  db: CortexDatabase,
  cveIds: readonly string[],
): Map<string, NvdResult> {
  const results = new Map<string, NvdResult>();
  const unique = [...new Set(cveIds)];

  for (let start = 0; start < unique.length; start += MAX_IDS_PER_QUERY) {
    const chunk = unique.slice(start, start + MAX_IDS_PER_QUERY);
    const rows = db.select().from(nvdCache).where(inArray(nvdCache.cveId, chunk)).all();
    for (const row of rows) {
      results.set(row.cveId, {
        metric: row.metricJson === null ? null : (JSON.parse(row.metricJson) as NvdPrimaryMetric),
        fetchedAt: row.fetchedAt,
        found: row.found,
      });
    }
  }
  return results;
}

/** Counts the CVE ids with a cached NVD result. */
export function countNvdResults(db: CortexDatabase): number {
  const row = db.select({ value: count() }).from(nvdCache).get();
  return row?.value ?? 0;
}
