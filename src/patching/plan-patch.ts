import { type InstalledPackage, packageKey } from "../inventory/installed-package.ts";
import type { Finding } from "../scan/finding.ts";
import { type RatedSeverity, type Severity, severityRank } from "../severity/severity.ts";
import { compareDebianVersions } from "../versioning/debian-version.ts";
import { findMatchingPattern } from "./package-pattern.ts";
import type {
  CandidateVersion,
  PatchPlan,
  PatchPolicy,
  PatchStrategy,
  PlannedFix,
  RemainingVulnerability,
  SkipReason,
} from "./patch-plan.ts";

/** Lowest rank each strategy patches; `min_severity` may raise it. */
export const STRATEGY_THRESHOLDS: Record<PatchStrategy, RatedSeverity> = {
  critical_only: "critical",
  high_and_above: "high",
  automatic: "low",
};

/** The findings of one vulnerability in one source package, merged over its binaries. */
interface SourceVulnerability {
  finding: Finding;
  /** Installed binaries that carry the finding, as `name:arch`. */
  carriers: string[];
  severity: Severity;
  fixedVersion: string | null;
}

/**
 * Computes what to upgrade, from the findings of a scan, apt's candidate for each installed
 * binary package (keyed `name:arch`), the current dpkg inventory and the policy.
 *
 * For each source package with a fixable vulnerability it upgrades every installed binary of
 * that source, on every architecture, to its candidate. A vulnerability counts as fixed only
 * when the candidate of every binary carrying it is at or above its fixed version in Debian
 * ordering (deb-version(7)), comparing the candidate's source version. Findings whose package
 * is no longer installed, or is already at or above the fix, are left out.
 */
export function planPatch(
  findings: readonly Finding[],
  candidates: ReadonlyMap<string, CandidateVersion>,
  installed: readonly InstalledPackage[],
  policy: PatchPolicy,
): PatchPlan {
  const installedByKey = new Map(installed.map((pkg) => [packageKey(pkg), pkg]));
  const binariesBySource = groupBy(installed, (pkg) => pkg.sourceName);
  const vulnerabilitiesBySource = collectVulnerabilities(findings, installedByKey, policy);

  const plan: PatchPlan = { policy, upgrades: [], fixes: [], remaining: [], skipped: [] };
  for (const source of [...vulnerabilitiesBySource.keys()].sort()) {
    const vulnerabilities = vulnerabilitiesBySource.get(source) ?? [];
    const binaries = binariesBySource.get(source) ?? [];
    planSource(plan, source, vulnerabilities, binaries, installedByKey, candidates);
  }
  return plan;
}

function collectVulnerabilities(
  findings: readonly Finding[],
  installedByKey: ReadonlyMap<string, InstalledPackage>,
  policy: PatchPolicy,
): Map<string, SourceVulnerability[]> {
  const bySource = new Map<string, Map<string, SourceVulnerability>>();
  for (const finding of findings) {
    const key = packageKey({ name: finding.package, arch: finding.arch });
    const pkg = installedByKey.get(key);
    if (!pkg) continue;
    if (policy.packageName !== null && !isNamedPackage(pkg, policy.packageName)) continue;
    if (
      finding.fixStatus === "fixed" &&
      finding.fixedVersion !== null &&
      compareDebianVersions(pkg.sourceVersion, finding.fixedVersion) >= 0
    ) {
      continue;
    }

    const vulnerabilities = bySource.get(pkg.sourceName) ?? new Map<string, SourceVulnerability>();
    bySource.set(pkg.sourceName, vulnerabilities);
    const existing = vulnerabilities.get(finding.vulnerabilityId);
    if (!existing) {
      vulnerabilities.set(finding.vulnerabilityId, {
        finding,
        carriers: [key],
        severity: finding.severity,
        fixedVersion: finding.fixStatus === "fixed" ? finding.fixedVersion : null,
      });
      continue;
    }
    if (!existing.carriers.includes(key)) existing.carriers.push(key);
    existing.severity = higherSeverity(existing.severity, finding.severity);
    // A candidate must reach every fixed version that any binary's finding names.
    if (finding.fixStatus === "fixed" && finding.fixedVersion !== null) {
      existing.fixedVersion =
        existing.fixedVersion === null ||
        compareDebianVersions(finding.fixedVersion, existing.fixedVersion) > 0
          ? finding.fixedVersion
          : existing.fixedVersion;
    }
  }

  const result = new Map<string, SourceVulnerability[]>();
  for (const [source, vulnerabilities] of bySource) {
    result.set(
      source,
      [...vulnerabilities.values()].sort((a, b) =>
        a.finding.vulnerabilityId.localeCompare(b.finding.vulnerabilityId),
      ),
    );
  }
  return result;
}

function planSource(
  plan: PatchPlan,
  source: string,
  vulnerabilities: readonly SourceVulnerability[],
  binaries: readonly InstalledPackage[],
  installedByKey: ReadonlyMap<string, InstalledPackage>,
  candidates: ReadonlyMap<string, CandidateVersion>,
): void {
  const { policy } = plan;
  const fixable: SourceVulnerability[] = [];
  for (const vulnerability of vulnerabilities) {
    const remaining = checkFixAvailable(vulnerability, source, installedByKey, candidates);
    if (remaining) plan.remaining.push(remaining);
    else fixable.push(vulnerability);
  }
  if (fixable.length === 0) return;

  const rank = fixable
    .map((vulnerability) => rankSeverity(vulnerability.severity, policy.unknownSeverity))
    .reduce((highest, severity) =>
      severityRank(severity) > severityRank(highest) ? severity : highest,
    );

  const upgraded = new Set<string>();
  const skipReasons = new Map<string, string>();
  const sortedBinaries = [...binaries].sort(
    (a, b) => a.name.localeCompare(b.name) || a.arch.localeCompare(b.arch),
  );
  for (const pkg of sortedBinaries) {
    const candidate = candidates.get(packageKey(pkg))?.version ?? null;
    if (candidate === null || compareDebianVersions(candidate, pkg.version) <= 0) continue;

    const skip = findSkipReason(pkg, binaries, rank, policy);
    const key = packageKey(pkg);
    if (skip) {
      plan.skipped.push({
        package: pkg.name,
        arch: pkg.arch,
        sourcePackage: source,
        installedVersion: pkg.version,
        candidateVersion: candidate,
        reason: skip.reason,
        detail: skip.detail,
      });
      skipReasons.set(key, `${key} ${skip.reason}`);
      continue;
    }
    upgraded.add(key);
    plan.upgrades.push({
      package: pkg.name,
      arch: pkg.arch,
      sourcePackage: source,
      fromVersion: pkg.version,
      toVersion: candidate,
    });
  }

  for (const vulnerability of fixable) {
    const blocked = vulnerability.carriers.filter((key) => !upgraded.has(key));
    if (blocked.length === 0) {
      plan.fixes.push(toPlannedFix(vulnerability, source, policy.unknownSeverity));
      continue;
    }
    plan.remaining.push({
      ...describeRemaining(vulnerability, source),
      reason: "package-skipped",
      detail: `skipped: ${blocked.map((key) => skipReasons.get(key) ?? `${key} not upgraded`).join(", ")}`,
    });
  }
}

/** Returns why `vulnerability` stays unfixed whatever the policy, or null when apt can fix it. */
function checkFixAvailable(
  vulnerability: SourceVulnerability,
  source: string,
  installedByKey: ReadonlyMap<string, InstalledPackage>,
  candidates: ReadonlyMap<string, CandidateVersion>,
): RemainingVulnerability | null {
  const base = describeRemaining(vulnerability, source);
  const { finding, fixedVersion } = vulnerability;
  if (finding.fixStatus === "ubuntu-pro") {
    const where = finding.proFixedVersion ? ` (${finding.proFixedVersion})` : "";
    return { ...base, reason: "ubuntu-pro", detail: `fix requires Ubuntu Pro${where}` };
  }
  if (fixedVersion === null) {
    return { ...base, reason: "no-fix", detail: `no fix available in ${finding.ecosystem}` };
  }

  const problems: string[] = [];
  for (const key of vulnerability.carriers) {
    const pkg = installedByKey.get(key) as InstalledPackage;
    const candidate = candidates.get(key);
    if (!candidate?.version) {
      problems.push(`apt has no candidate for ${key}`);
      continue;
    }
    const candidateSource = candidate.sourceVersion ?? candidate.version;
    if (compareDebianVersions(candidate.version, pkg.version) <= 0) {
      problems.push(`the candidate of ${key} is the installed ${pkg.version}`);
    } else if (compareDebianVersions(candidateSource, fixedVersion) < 0) {
      problems.push(`the candidate ${candidate.version} of ${key} is older than ${fixedVersion}`);
    }
  }
  if (problems.length === 0) return null;
  return {
    ...base,
    reason: "fix-not-available",
    detail: `fix not yet in the apt sources: ${problems.join("; ")}`,
  };
}

function findSkipReason(
  pkg: InstalledPackage,
  binaries: readonly InstalledPackage[],
  rank: RatedSeverity,
  policy: PatchPolicy,
): { reason: SkipReason; detail: string } | null {
  const blacklisted = findMatchingPattern(policy.blacklist, pkg.name, pkg.sourceName);
  if (blacklisted !== null) {
    return { reason: "blacklisted", detail: `matches blacklist pattern "${blacklisted}"` };
  }
  if (
    policy.whitelist.length > 0 &&
    findMatchingPattern(policy.whitelist, pkg.name, pkg.sourceName) === null
  ) {
    return { reason: "not-whitelisted", detail: "matches no whitelist pattern" };
  }
  if (pkg.held) {
    return {
      reason: "held",
      detail: `held (apt-mark hold); run "apt-mark unhold ${packageKey(pkg)}" to allow upgrades`,
    };
  }
  // Multi-Arch: same copies must stay at one version, so a held copy keeps the others too.
  const heldSibling = binaries.find(
    (other) => other.name === pkg.name && other.arch !== pkg.arch && other.held,
  );
  if (heldSibling) {
    return {
      reason: "held",
      detail: `${packageKey(heldSibling)} is held, and copies of one package on several architectures must stay at one version`,
    };
  }

  if (severityRank(rank) < severityRank(policy.minSeverity)) {
    return {
      reason: "below-min-severity",
      detail: `highest fixable severity is ${rank}, below min_severity ${policy.minSeverity}`,
    };
  }
  const threshold = STRATEGY_THRESHOLDS[policy.strategy];
  if (severityRank(rank) < severityRank(threshold)) {
    return {
      reason: "excluded-by-strategy",
      detail: `highest fixable severity is ${rank}; strategy ${policy.strategy} patches ${threshold} and above`,
    };
  }
  return null;
}

function toPlannedFix(
  vulnerability: SourceVulnerability,
  source: string,
  unknownSeverity: RatedSeverity,
): PlannedFix {
  return {
    vulnerabilityId: vulnerability.finding.vulnerabilityId,
    aliases: vulnerability.finding.aliases,
    sourcePackage: source,
    packages: [...vulnerability.carriers].sort(),
    severity: vulnerability.severity,
    rankedAs: rankSeverity(vulnerability.severity, unknownSeverity),
    unrated: vulnerability.severity === "unknown",
    fixedVersion: vulnerability.fixedVersion as string,
  };
}

function describeRemaining(
  vulnerability: SourceVulnerability,
  source: string,
): Omit<RemainingVulnerability, "reason" | "detail"> {
  return {
    vulnerabilityId: vulnerability.finding.vulnerabilityId,
    sourcePackage: source,
    packages: [...vulnerability.carriers].sort(),
    severity: vulnerability.severity,
    fixedVersion: vulnerability.fixedVersion,
  };
}

/** Ranks a finding for the strategy: an unrated one counts as `unknownSeverity`. */
export function rankSeverity(severity: Severity, unknownSeverity: RatedSeverity): RatedSeverity {
  return severity === "unknown" ? unknownSeverity : severity;
}

function higherSeverity(a: Severity, b: Severity): Severity {
  if (a === "unknown") return b;
  if (b === "unknown") return a;
  return severityRank(a) >= severityRank(b) ? a : b;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/**
 * True when `--package NAME` names `pkg`: its binary name, its source name, or `name:arch`
 * as dpkg spells it (`libssl3:i386`), the forms that `scan --package` accepts too.
 */
export function isNamedPackage(pkg: InstalledPackage, name: string): boolean {
  return pkg.name === name || pkg.sourceName === name || packageKey(pkg) === name;
}
