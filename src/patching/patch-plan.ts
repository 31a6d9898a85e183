import type { RatedSeverity, Severity } from "../severity/severity.ts";

/**
 * How much a run patches:
 * - `critical_only`: sources whose fixable vulnerabilities include a critical one;
 * - `high_and_above`: ... a high or critical one;
 * - `automatic`: every source with a fixable vulnerability at or above `min_severity`.
 * Every strategy also honours `min_severity`.
 */
export const PATCH_STRATEGIES = ["critical_only", "high_and_above", "automatic"] as const;
export type PatchStrategy = (typeof PATCH_STRATEGIES)[number];

/** The rules a plan follows: strategy, `patcher_config.json` and `--package`. */
export interface PatchPolicy {
  strategy: PatchStrategy;
  minSeverity: RatedSeverity;
  /** Severity that an unrated (`unknown`) finding is ranked as. */
  unknownSeverity: RatedSeverity;
  whitelist: string[];
  blacklist: string[];
  /** `--package`: only this binary or source package, or null for all. */
  packageName: string | null;
}

/** Candidate version apt would install for one installed binary package. */
export interface CandidateVersion {
  /** Binary version of the candidate, or null when apt has none. */
  version: string | null;
  /**
   * Source version of the candidate (`apt-cache show`'s `Source: name (version)`), or null
   * when unknown, in which case the binary version is used instead.
   */
  sourceVersion: string | null;
}

/** One binary package on one architecture, moved from its installed version to the candidate. */
export interface PlannedUpgrade {
  package: string;
  arch: string;
  sourcePackage: string;
  fromVersion: string;
  toVersion: string;
}

/** A vulnerability that the planned upgrades fix. */
export interface PlannedFix {
  vulnerabilityId: string;
  aliases: string[];
  sourcePackage: string;
  /** Affected binary packages as `name:arch`. */
  packages: string[];
  severity: Severity;
  /** Severity used for the strategy and `min_severity`: `unknown_severity` for an unrated one. */
  rankedAs: RatedSeverity;
  /** True when the finding has no rating and was ranked as `unknown_severity`. */
  unrated: boolean;
  fixedVersion: string;
}

/**
 * Why a vulnerability stays:
 * - `no-fix`: no fixed version exists in the host's ecosystem;
 * - `fix-not-available`: a fix exists but the apt sources do not offer it yet;
 * - `ubuntu-pro`: the fix is only in Ubuntu Pro;
 * - `package-skipped`: a fix is available but a package carrying it is skipped (see `skipped`).
 */
export type RemainingReason = "no-fix" | "fix-not-available" | "ubuntu-pro" | "package-skipped";

export interface RemainingVulnerability {
  vulnerabilityId: string;
  sourcePackage: string;
  packages: string[];
  severity: Severity;
  fixedVersion: string | null;
  reason: RemainingReason;
  /** Human-readable detail: the candidate that is too old, the skip reason. */
  detail: string;
}

/**
 * Why an upgradable binary package is left alone:
 * - `blacklisted` / `not-whitelisted`: `patcher_config.json` rules;
 * - `held`: `apt-mark hold` (dpkg selection `hold`), or a held copy of the same
 *   Multi-Arch package on another architecture;
 * - `below-min-severity`: its fixable vulnerabilities all rank below `min_severity`;
 * - `excluded-by-strategy`: they rank below what the strategy patches.
 */
export type SkipReason =
  | "blacklisted"
  | "not-whitelisted"
  | "held"
  | "below-min-severity"
  | "excluded-by-strategy";

export interface SkippedPackage {
  package: string;
  arch: string;
  sourcePackage: string;
  installedVersion: string;
  candidateVersion: string;
  reason: SkipReason;
  detail: string;
}

/** The outcome of planning: a plain value, printed for a dry run and stored in history. */
export interface PatchPlan {
  policy: PatchPolicy;
  upgrades: PlannedUpgrade[];
  fixes: PlannedFix[];
  remaining: RemainingVulnerability[];
  skipped: SkippedPackage[];
}
