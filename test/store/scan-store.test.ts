import { describe, expect, test } from "bun:test";
import type { ScanResult } from "../../src/scan/scan-result.ts";
import { openMemoryDatabase } from "../../src/store/open-database.ts";
import { loadLatestScan, loadScan, saveScan } from "../../src/store/scan-store.ts";

function scanAt(time: string, overrides: Partial<ScanResult> = {}): ScanResult {
  return {
    id: null,
    startedAt: new Date(time),
    finishedAt: new Date(time),
    root: "/",
    ecosystem: "Debian:12",
    mode: "offline",
    complete: true,
    packageCount: 2,
    packageFilter: null,
    dataRefreshedAt: null,
    counts: { critical: 0, high: 1, medium: 0, low: 0, unknown: 0 },
    findings: [
      {
        package: "libssl3",
        arch: "amd64",
        installedVersion: "3.0.11-1~deb12u2",
        sourcePackage: "openssl",
        sourceVersion: "3.0.11-1~deb12u2",
        vulnerabilityId: "CVE-2024-0727",
        aliases: [],
        summary: null,
        severity: "high",
        severitySource: "debian-urgency",
        cvssScore: null,
        fixedVersion: "3.0.13-1~deb12u1",
        fixStatus: "fixed",
        proFixedVersion: null,
        ecosystem: "Debian:12",
        notes: [],
      },
    ],
    warnings: [],
    unchecked: [],
    ...overrides,
  };
}

describe("scan store", () => {
  test("round-trips a scan with findings", () => {
    const db = openMemoryDatabase();
    const scan = scanAt("2026-12-01T10:00:00Z");
    const id = saveScan(db, scan);
    expect(loadScan(db, id)).toEqual({ ...scan, id });
  });

  test("latest scan per root skips filtered scans", () => {
    const db = openMemoryDatabase();
    saveScan(db, scanAt("2026-12-01T10:00:00Z"));
    const chroot = saveScan(db, scanAt("2026-12-02T10:00:00Z", { root: "/srv/chroot" }));
    saveScan(db, scanAt("2026-12-03T10:00:00Z", { packageFilter: "openssl" }));
    expect(loadLatestScan(db, { root: "/srv/chroot" })?.id).toBe(chroot);
    expect(loadLatestScan(db, { root: "/", fullOnly: true })?.startedAt.toISOString()).toBe(
      "2026-12-01T10:00:00.000Z",
    );
    expect(loadLatestScan(db)?.packageFilter).toBe("openssl");
  });
});
