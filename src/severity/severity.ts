/** Severity levels, highest first. `unknown` means no rating was found, not "none". */
export const SEVERITIES = ["critical", "high", "medium", "low", "unknown"] as const;

export type Severity = (typeof SEVERITIES)[number];

/** Rated severities in ascending order, used for thresholds such as `--fail-on` and `min_severity`. */
export const RATED_SEVERITIES_ASCENDING = ["low", "medium", "high", "critical"] as const;

export type RatedSeverity = (typeof RATED_SEVERITIES_ASCENDING)[number];

/** Rank of a rated severity: low 1 ... critical 4. */
export function severityRank(severity: RatedSeverity): number {
  return RATED_SEVERITIES_ASCENDING.indexOf(severity) + 1;
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/**
 * Origin of a finding's severity. `debian-urgency` and `ubuntu-priority` are the
 * distro's per-package ratings. `osv-cvss` is computed from the record's vectors
 * and `nvd-cvss` from NVD's primary metric. `none` means unknown.
 */
export type SeveritySource =
  | "debian-urgency"
  | "ubuntu-priority"
  | "osv-cvss"
  | "nvd-cvss"
  | "none";

/** A rating with its provenance. */
export interface SeverityRating {
  severity: Severity;
  source: SeveritySource;
  /** CVSS base score when the rating came from a vector, else null. */
  score: number | null;
  /** The CVSS vector that produced the score, else null. */
  vector: string | null;
  /** The distro's own word before mapping (`unimportant`, `negligible`), else null. */
  distroRating: string | null;
}

export type SeverityCounts = Record<Severity, number>;

export function emptySeverityCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
}
