import { dataAge } from "../../scan/data-age.ts";
import type { Finding } from "../../scan/finding.ts";
import type { ScanResult, UncheckedPackage } from "../../scan/scan-result.ts";
import type { SeverityCounts } from "../../severity/severity.ts";

/** Version of the `scan --json` document; raised when a field changes meaning or goes away. */
export const SCAN_JSON_SCHEMA_VERSION = 1;

/** The `scan --json` document, documented in docs/json-schema.md. */
export interface ScanJson {
  schemaVersion: number;
  scanId: number | null;
  scannedAt: string;
  root: string;
  ecosystem: string;
  mode: "offline" | "online";
  complete: boolean;
  packageCount: number;
  packageFilter: string | null;
  dataRefreshedAt: string | null;
  dataAgeSeconds: number | null;
  dataStale: boolean;
  counts: SeverityCounts;
  total: number;
  findings: Finding[];
  unchecked: UncheckedPackage[];
  warnings: string[];
}

/**
 * Builds the JSON document of a scan. `findings` may be a filtered subset;
 * `counts` and `total` then describe that subset, so they always add up.
 */
export function scanToJson(
  scan: ScanResult,
  options: { now: Date; maxDataAgeDays: number; findings?: Finding[]; counts?: SeverityCounts },
): ScanJson {
  const findings = options.findings ?? scan.findings;
  const counts = options.counts ?? scan.counts;
  const age = dataAge(scan.dataRefreshedAt, options.now, options.maxDataAgeDays);
  return {
    schemaVersion: SCAN_JSON_SCHEMA_VERSION,
    scanId: scan.id,
    scannedAt: scan.finishedAt.toISOString(),
    root: scan.root,
    ecosystem: scan.ecosystem,
    mode: scan.mode,
    complete: scan.complete,
    packageCount: scan.packageCount,
    packageFilter: scan.packageFilter,
    dataRefreshedAt: scan.dataRefreshedAt?.toISOString() ?? null,
    dataAgeSeconds: age.ageSeconds,
    dataStale: age.stale,
    counts,
    total: findings.length,
    findings,
    unchecked: scan.unchecked,
    warnings: scan.warnings,
  };
}
