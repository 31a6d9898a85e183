import type { Logger } from "../../platform/logger.ts";
import type { CortexDatabase } from "../../store/open-database.ts";

/** Dependencies of an import: the database to write, the clock, and the logger for warnings. */
export interface ImportOptions {
  db: CortexDatabase;
  now: () => Date;
  log: Logger;
}

/** The end of every whole-input error message: what `db import` accepts. */
export const ACCEPTED_INPUTS =
  "expected an OSV all.zip, a directory of OSV .json files, one OSV record (.json) " +
  "or NVD CVE API 2.0 JSON";

/**
 * The input kinds `db import` reads: an OSV `all.zip`, a directory of OSV `.json`
 * files, one OSV record file, or NVD CVE API 2.0 JSON (stored in the NVD cache).
 */
export type ImportFormat = "osv-zip" | "osv-directory" | "osv-file" | "nvd-json";

/** A record that was read but not stored. */
export interface RejectedRecord {
  /** Zip member or file the record came from, with the array index for NVD entries. */
  source: string;
  /** The record's id when it has one. */
  id: string | null;
  reason: string;
}

/** A zip member or file that was not read as a record at all (not `.json`). */
export interface SkippedEntry {
  source: string;
  reason: string;
}

/** Counts and details of one `db import` run. For `nvd-json`, the counts are of CVE ids. */
export interface ImportReport {
  path: string;
  format: ImportFormat;
  startedAt: Date;
  finishedAt: Date;
  /** Records that were not stored before. */
  imported: number;
  /** Stored records replaced by a newer `modified` (NVD: by a newer fetch time). */
  updated: number;
  /** Records whose stored copy was as new or newer. */
  unchanged: number;
  rejected: RejectedRecord[];
  skipped: SkippedEntry[];
  /** Ecosystems of the accepted OSV records, sorted; their data age was reset to this import. */
  ecosystems: string[];
}

/** Number of records that were read and stored or found unchanged. */
export function acceptedCount(report: ImportReport): number {
  return report.imported + report.updated + report.unchanged;
}
