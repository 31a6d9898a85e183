import type { SeverityCounts } from "../severity/severity.ts";
import type { Finding } from "./finding.ts";

/** A source package whose lookup failed, so its findings may be missing. */
export interface UncheckedPackage {
  sourceName: string;
  sourceVersion: string;
  reason: string;
}

/** The outcome of one scan, as stored and as `scan --json` prints it. */
export interface ScanResult {
  /** Database id once stored; null before. */
  id: number | null;
  startedAt: Date;
  finishedAt: Date;
  /** Filesystem root scanned: `/` for the host. */
  root: string;
  ecosystem: string;
  mode: "offline" | "online";
  /** False when some lookups failed: the findings may be incomplete. */
  complete: boolean;
  packageCount: number;
  /** The `--package` filter, or null for a scan of every package. */
  packageFilter: string | null;
  /** When the advisory data used was last refreshed; null when there was none. */
  dataRefreshedAt: Date | null;
  counts: SeverityCounts;
  findings: Finding[];
  warnings: string[];
  unchecked: UncheckedPackage[];
}
