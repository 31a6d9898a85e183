import type { Finding } from "../../src/scan/finding.ts";
import type { ScanResult } from "../../src/scan/scan-result.ts";
import type { StatusSources } from "../../src/server/status-sources.ts";
import type { Severity } from "../../src/severity/severity.ts";

/** The clock of every server test: 2026-12-04 12:00:00 UTC. */
export const NOW = new Date("2026-12-04T12:00:00.000Z");

/** A bearer token of valid syntax and length. */
export const TOKEN = "0123456789abcdef0123456789abcdef";

/**
 * Builds a finding on the pattern of the Debian 12 changelog-derived records:
 * source package, CVE id and fixed version are real, the rest is filled in.
 */
export function finding(
  packageName: string,
  sourcePackage: string,
  vulnerabilityId: string,
  severity: Severity,
  fixedVersion: string | null,
): Finding {
  return {
    package: packageName,
    arch: "amd64",
    installedVersion: "0.1-1",
    sourcePackage,
    sourceVersion: "0.1-1",
    vulnerabilityId,
    aliases: [],
    summary: null,
    severity,
    severitySource: severity === "unknown" ? "none" : "debian-urgency",
    cvssScore: null,
    fixedVersion,
    fixStatus: fixedVersion === null ? "no-fix" : "fixed",
    proFixedVersion: null,
    ecosystem: "Debian:12",
    notes: [],
  };
}

/** Findings of the sample scan: one critical, two high (one source, two binaries), one medium, one unknown. */
export const SAMPLE_FINDINGS: Finding[] = [
  finding("apt", "apt", "CVE-2020-3810", "critical", "2.1.2"),
  finding("libx11-6", "libx11", "CVE-2023-43786", "high", "2:1.8.4-2+deb12u2"),
  finding("libx11-data", "libx11", "CVE-2023-43786", "high", "2:1.8.4-2+deb12u2"),
  finding("libexpat1", "expat", "CVE-2023-52425", "medium", "2.5.0-1+deb12u2"),
  finding("libcap2", "libcap2", "CVE-2026-4878", "unknown", null),
];

/** Builds a complete offline scan of the host, finished an hour before NOW. */
export function sampleScan(): ScanResult {
  return {
    id: 7,
    startedAt: new Date("2026-12-04T10:59:30.000Z"),
    finishedAt: new Date("2026-12-04T11:00:00.000Z"),
    root: "/",
    ecosystem: "Debian:12",
    mode: "offline",
    complete: true,
    packageCount: 710,
    packageFilter: null,
    dataRefreshedAt: new Date("2026-12-03T12:00:00.000Z"),
    counts: { critical: 1, high: 2, medium: 1, low: 0, unknown: 1 },
    findings: SAMPLE_FINDINGS,
    warnings: [],
    unchecked: [],
  };
}

/** Builds sources that return fixed data. `overrides` replace single sources. */
export function fakeSources(
  overrides: Partial<StatusSources> = {},
): StatusSources & { historyLimits: number[] } {
  const historyLimits: number[] = [];
  return {
    historyLimits,
    latestScan: () => sampleScan(),
    dataFreshness: () => [
      {
        ecosystem: "Debian:12",
        refreshedAt: new Date("2026-12-03T12:00:00.000Z"),
        recordCount: 5980,
      },
      {
        ecosystem: "Ubuntu:22.04:LTS",
        refreshedAt: new Date("2026-11-01T12:00:00.000Z"),
        recordCount: 37,
      },
      { ecosystem: "Alpine:v3.20", refreshedAt: null, recordCount: 1 },
    ],
    history: (limit) => {
      historyLimits.push(limit);
      return [
        {
          id: 2,
          kind: "rollback",
          startedAt: new Date("2026-12-02T09:00:00.000Z"),
          finishedAt: new Date("2026-12-02T09:01:00.000Z"),
          status: "succeeded",
        },
        {
          id: 1,
          kind: "patch",
          startedAt: new Date("2026-12-01T04:00:00.000Z"),
          finishedAt: new Date("2026-12-01T04:03:00.000Z"),
          status: "partial",
        },
      ].slice(0, limit);
    },
    lastPatchRun: () => ({
      id: 1,
      kind: "patch",
      startedAt: new Date("2026-12-01T04:00:00.000Z"),
      finishedAt: new Date("2026-12-01T04:03:00.000Z"),
      status: "partial",
    }),
    patchRunCounts: () => ({ succeeded: 3, partial: 1, failed: 0 }),
    schedules: () => [
      {
        id: "nightly",
        frequency: "daily",
        onCalendar: "*-*-* 03:30:00",
        patchEnabled: true,
        strategy: "critical_only",
        timerInstalled: true,
        timerEnabled: true,
        lastRun: {
          startedAt: new Date("2026-12-04T03:30:12.000Z"),
          finishedAt: new Date("2026-12-04T03:31:02.000Z"),
          outcome: "succeeded",
        },
        nextRunAt: new Date("2026-12-05T03:30:00.000Z"),
      },
    ],
    rebootStatus: () => ({
      pending: true,
      reasons: ["/var/run/reboot-required exists (packages: libc6)"],
    }),
    ...overrides,
  };
}
