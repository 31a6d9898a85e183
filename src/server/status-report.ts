import { dataAge } from "../scan/data-age.ts";
import type { ScanResult } from "../scan/scan-result.ts";
import type { SeverityCounts } from "../severity/severity.ts";
import type {
  EcosystemFreshness,
  HistoryEntry,
  RebootStatus,
  ScheduleState,
} from "./status-sources.ts";

/** The state `GET /status` reports, read from the sources in one request. */
export interface StatusSnapshot {
  latestScan: ScanResult | null;
  dataFreshness: EcosystemFreshness[];
  schedules: ScheduleState[];
  lastPatchRun: HistoryEntry | null;
  rebootStatus: RebootStatus;
}

/** Summary of the last recorded scan, without its findings (those are at `/vulnerabilities`). */
export interface ScanSummary {
  scanId: number | null;
  startedAt: Date;
  scannedAt: Date;
  root: string;
  ecosystem: string;
  mode: "offline" | "online";
  complete: boolean;
  packageCount: number;
  packageFilter: string | null;
  counts: SeverityCounts;
  total: number;
}

/** Age of one ecosystem's advisory data. */
export interface AdvisoryDataAge {
  ecosystem: string;
  refreshedAt: Date | null;
  /** Seconds since the last refresh, or null when the data was never refreshed. */
  ageSeconds: number | null;
  /** True when older than `maxDataAgeDays` of config.json, or never refreshed. */
  stale: boolean;
  recordCount: number;
}

/** The `GET /status` document. Dates serialise as RFC 3339 strings in UTC. */
export interface StatusReport {
  generatedAt: Date;
  lastScan: ScanSummary | null;
  advisoryData: AdvisoryDataAge[];
  rebootPending: boolean;
  /** Causes of the pending reboot, one line each, or empty when none is pending. */
  rebootReasons: string[];
  schedules: ScheduleState[];
  lastPatchRun: HistoryEntry | null;
}

/** Builds the `GET /status` document from one snapshot of the sources. */
export function buildStatusReport(
  snapshot: StatusSnapshot,
  now: Date,
  maxDataAgeDays: number,
): StatusReport {
  return {
    generatedAt: now,
    lastScan: snapshot.latestScan === null ? null : summarizeScan(snapshot.latestScan),
    advisoryData: snapshot.dataFreshness.map((freshness) =>
      advisoryDataAge(freshness, now, maxDataAgeDays),
    ),
    rebootPending: snapshot.rebootStatus.pending,
    rebootReasons: snapshot.rebootStatus.reasons,
    schedules: snapshot.schedules,
    lastPatchRun: snapshot.lastPatchRun,
  };
}

function summarizeScan(scan: ScanResult): ScanSummary {
  return {
    scanId: scan.id,
    startedAt: scan.startedAt,
    scannedAt: scan.finishedAt,
    root: scan.root,
    ecosystem: scan.ecosystem,
    mode: scan.mode,
    complete: scan.complete,
    packageCount: scan.packageCount,
    packageFilter: scan.packageFilter,
    counts: scan.counts,
    total: scan.findings.length,
  };
}

/** Computes how old one ecosystem's data is at `now`, in whole seconds. */
export function advisoryDataAge(
  freshness: EcosystemFreshness,
  now: Date,
  maxDataAgeDays: number,
): AdvisoryDataAge {
  const { ageSeconds, stale } = dataAge(freshness.refreshedAt, now, maxDataAgeDays);
  return {
    ecosystem: freshness.ecosystem,
    refreshedAt: freshness.refreshedAt,
    ageSeconds,
    stale,
    recordCount: freshness.recordCount,
  };
}
