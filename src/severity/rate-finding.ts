import type { OsvAffected, OsvRecord } from "../advisories/osv/osv-record.ts";
import { highestCvssScore, scoreCvssVector, severityForCvssScore } from "./cvss-score.ts";
import { cvesMapSeverities, findDistroRating } from "./distro-rating.ts";
import type { SeverityRating } from "./severity.ts";

/**
 * Rates one affected entry of a record, in this order:
 * 1. the distro's rating of that entry (Ubuntu priority, Debian urgency), because
 *    the same CVE can be "low" for one source package and "unimportant" for another;
 * 2. the highest CVSS score among the record's vectors, the entry's vectors and
 *    the per-CVE vectors of a USN entry (see `scoreCvssVector` for which score);
 * 3. `unknown` with source `none`.
 * A distro word without a rating (`untriaged`, `not yet assigned`) falls through to
 * the next step and stays in `distroRating`. Invalid CVSS vectors are skipped.
 */
export function rateAffected(record: OsvRecord, entry: OsvAffected): SeverityRating {
  const distro = findDistroRating(record, entry);
  if (distro !== null && distro.severity !== "unknown") {
    return {
      severity: distro.severity,
      source: distro.source,
      score: null,
      vector: null,
      distroRating: distro.word,
    };
  }

  const distroRating = distro?.word ?? null;
  const { highest } = highestCvssScore([
    ...(record.severity ?? []),
    ...(entry.severity ?? []),
    ...cvesMapSeverities(entry),
  ]);
  if (highest !== null) {
    return {
      severity: severityForCvssScore(highest.score),
      source: "osv-cvss",
      score: highest.score,
      vector: highest.vector,
      distroRating,
    };
  }
  return { severity: "unknown", source: "none", score: null, vector: null, distroRating };
}

/** One CVSS metric of an NVD CVE record (`metrics.cvssMetricV31[].cvssData`). */
export interface NvdCvssMetric {
  /** `2.0`, `3.0`, `3.1` or `4.0`. */
  version: string;
  vectorString: string;
  /** The score NVD published, used only when the vector cannot be scored. */
  baseScore?: number | null;
}

const NVD_VERSION_TYPES: Readonly<Record<string, string>> = {
  "2.0": "CVSS_V2",
  "3.0": "CVSS_V3",
  "3.1": "CVSS_V3",
  "4.0": "CVSS_V4",
};

/**
 * Rates a finding from NVD's metric, the fallback when the OSV record carries no
 * rating. The score is computed from `vectorString` with the same calculator as
 * OSV vectors; NVD's `baseScore` is used only when the vector cannot be scored.
 * Returns `unknown` with source `none` when neither gives a score.
 */
export function ratingFromNvdMetric(metric: NvdCvssMetric): SeverityRating {
  const type = NVD_VERSION_TYPES[metric.version];
  const computed = type === undefined ? null : scoreCvssVector(type, metric.vectorString);
  if (computed?.ok) {
    return {
      severity: severityForCvssScore(computed.score),
      source: "nvd-cvss",
      score: computed.score,
      vector: computed.vector,
      distroRating: null,
    };
  }

  const published = metric.baseScore;
  if (
    typeof published === "number" &&
    Number.isFinite(published) &&
    published >= 0 &&
    published <= 10
  ) {
    return {
      severity: severityForCvssScore(published),
      source: "nvd-cvss",
      score: published,
      vector: metric.vectorString,
      distroRating: null,
    };
  }
  return { severity: "unknown", source: "none", score: null, vector: null, distroRating: null };
}
