import { resolve } from "node:path";
import { fillNvdRatings } from "../advisories/online/fill-nvd-ratings.ts";
import { refreshFromOsv } from "../advisories/online/refresh-from-osv.ts";
import type { CortexConfig } from "../config/cortex-config.ts";
import { withAdvisorySource } from "../inventory/advisory-source.ts";
import { type InstalledPackage, packageKey } from "../inventory/installed-package.ts";
import { readInventory } from "../inventory/read-inventory.ts";
import { matchPackages } from "../matching/match-packages.ts";
import { inputError, usageError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import { loadAdvisoriesForPackages } from "../store/advisory-store.ts";
import type { CortexDatabase } from "../store/open-database.ts";
import { saveScan } from "../store/scan-store.ts";
import { compareDebianVersions } from "../versioning/debian-version.ts";
import { applyNvdRatings, cveIdsOf } from "./apply-nvd-ratings.ts";
import { countBySeverity } from "./count-by-severity.ts";
import { dataAge } from "./data-age.ts";
import type { Finding } from "./finding.ts";
import { scanDataFreshness } from "./scan-data-freshness.ts";
import { scanEcosystems } from "./scan-ecosystems.ts";
import type { ScanResult, UncheckedPackage } from "./scan-result.ts";

/** A scan request: the root, the packages and the data to use. */
export interface ScanRequest {
  /** Filesystem root: `/` for the host, or a chroot or mounted image. */
  root: string;
  /** Only this binary or source package. */
  packageName?: string;
  /** Use the local database only; never touch the network. */
  offline: boolean;
  /** Query the network even when cached results are fresh. */
  refresh: boolean;
  /** Ecosystem to use instead of the one os-release implies (`Debian:12`). */
  ecosystemOverride?: string;
  /** Look up missing severities at NVD (online scans only). */
  nvd: boolean;
}

export interface ScanProgress {
  done: number;
  total: number;
  findings: number;
}

/** The I/O a scan needs, passed in so tests control all of it. */
export interface ScanServices {
  db: CortexDatabase;
  config: CortexConfig;
  fetch: typeof fetch;
  now: () => Date;
  log: Logger;
  /** `uname -r` of the running kernel; ignored (treated as unknown) when root is not `/`. */
  runningKernelRelease: string | null;
  onProgress?: (progress: ScanProgress) => void;
}

/**
 * Scans the installed packages of `request.root`, stores the result and
 * returns it. Online scans first refresh the local database from OSV; every
 * scan then matches against that database, so offline and online scans share
 * one matcher.
 */
export async function runScan(request: ScanRequest, services: ScanServices): Promise<ScanResult> {
  const startedAt = services.now();
  const root = resolve(request.root);
  const inventory = await readInventory(root, { ecosystemOverride: request.ecosystemOverride });
  const { ecosystem } = inventory;
  const warnings = [...inventory.warnings];
  const packages = selectPackages(inventory.packages, request.packageName, root).map((pkg) =>
    withAdvisorySource(pkg, ecosystem),
  );

  const unchecked: UncheckedPackage[] = [];
  if (!request.offline) {
    const online = await refreshFromOsv(sourceQueries(packages, ecosystem), {
      db: services.db,
      config: services.config,
      fetch: services.fetch,
      now: services.now,
      log: services.log,
      refresh: request.refresh,
      onProgress: services.onProgress,
    });
    unchecked.push(...online.unchecked);
  }

  const freshness = scanDataFreshness(services.db, ecosystem);
  if (freshness.recordCount === 0 && (request.offline || unchecked.length > 0)) {
    // An empty database would report "no vulnerabilities": that must be loud, never a silent zero.
    const importHint = `import it with \`cortex security db import FILE\` (an OSV all.zip for ${ecosystem})`;
    throw inputError(
      request.offline
        ? `no advisory data for ${ecosystem} in the database: ${importHint}, or scan without --offline`
        : `no advisory data for ${ecosystem} in the database, and ${unchecked.length} OSV lookups failed (first: ${unchecked[0]?.reason ?? "unknown reason"}): ${importHint}, or scan again when OSV is reachable`,
    );
  }

  const sourceNames = [...new Set(packages.map((pkg) => pkg.sourceName))];
  const records = loadAdvisoriesForPackages(services.db, scanEcosystems(ecosystem), sourceNames);
  let findings = matchPackages(packages, records, {
    ecosystem,
    compare: compareDebianVersions,
    runningKernelRelease: root === "/" ? services.runningKernelRelease : null,
  });
  services.onProgress?.({
    done: packages.length,
    total: packages.length,
    findings: findings.length,
  });

  findings = await rateFromNvd(findings, request, services);

  const finishedAt = services.now();
  const dataRefreshedAt = freshness.refreshedAt;
  const staleness = staleDataWarning(dataRefreshedAt, finishedAt, services.config.maxDataAgeDays);
  if (staleness) warnings.push(staleness);

  const scan: ScanResult = {
    id: null,
    startedAt,
    finishedAt,
    root,
    ecosystem,
    mode: request.offline ? "offline" : "online",
    complete: unchecked.length === 0,
    packageCount: packages.length,
    packageFilter: request.packageName ?? null,
    dataRefreshedAt,
    counts: countBySeverity(findings),
    findings,
    warnings,
    unchecked,
  };
  scan.id = saveScan(services.db, scan);
  return scan;
}

/**
 * Rates findings that have no rating from NVD: online scans first ask NVD for
 * the unrated CVE ids within the configured time budget, then every scan applies
 * the NVD results cached in the database.
 */
async function rateFromNvd(
  findings: Finding[],
  request: ScanRequest,
  services: ScanServices,
): Promise<Finding[]> {
  let pending = new Set<string>();
  if (!request.offline && request.nvd && services.config.nvdEnabled) {
    const unrated = findings.filter((finding) => finding.severity === "unknown");
    const cveIds = [...new Set(unrated.flatMap((finding) => cveIdsOf(finding)))];
    if (cveIds.length > 0) {
      const nvd = await fillNvdRatings(cveIds, {
        db: services.db,
        config: services.config,
        fetch: services.fetch,
        now: services.now,
        log: services.log,
      });
      pending = new Set(nvd.pending);
    }
  }
  return applyNvdRatings(services.db, findings, pending);
}

/**
 * Keeps the packages `--package` names: a binary name, a source name, or a
 * binary on one architecture as dpkg spells it (`libssl3:i386`).
 */
function selectPackages(
  packages: InstalledPackage[],
  packageName: string | undefined,
  root: string,
): InstalledPackage[] {
  if (packageName === undefined) return packages;
  if (packageName.trim() === "") {
    throw usageError("--package needs a package name, for example --package openssl");
  }
  const selected = packages.filter(
    (pkg) =>
      pkg.name === packageName || pkg.sourceName === packageName || packageKey(pkg) === packageName,
  );
  if (selected.length === 0) {
    throw inputError(
      `package ${packageName} is not installed under ${root}: give an installed binary or source package name, or NAME:ARCH`,
    );
  }
  return selected;
}

/** Builds one OSV query per (source name, source version), because advisories name source packages. */
function sourceQueries(packages: InstalledPackage[], ecosystem: string) {
  const seen = new Map<string, { ecosystem: string; name: string; version: string }>();
  for (const pkg of packages) {
    const key = `${pkg.sourceName}\u0000${pkg.sourceVersion}`;
    if (!seen.has(key))
      seen.set(key, { ecosystem, name: pkg.sourceName, version: pkg.sourceVersion });
  }
  return [...seen.values()];
}

/** Returns the warning for data older than the maximum age, or null when it is fresh enough. */
export function staleDataWarning(
  refreshedAt: Date | null,
  now: Date,
  maxDataAgeDays: number,
): string | null {
  const { ageSeconds, stale } = dataAge(refreshedAt, now, maxDataAgeDays);
  if (ageSeconds === null) return "the advisory data has no recorded refresh time";
  if (!stale) return null;
  return `the advisory data is ${Math.floor(ageSeconds / 86_400)} days old, older than the maximum age of ${maxDataAgeDays} days: run \`cortex security db import\` with a newer file or scan online`;
}
