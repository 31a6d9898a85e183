import { ratingFromNvdMetric } from "../severity/rate-finding.ts";
import { loadNvdResults } from "../store/nvd-store.ts";
import type { CortexDatabase } from "../store/open-database.ts";
import type { Finding } from "./finding.ts";

/** Note on findings whose NVD lookup did not fit in this scan's time budget. */
export const RATING_PENDING_NOTE =
  "severity rating pending: NVD has not been asked yet; run `cortex security db update --nvd`";

/**
 * Rates findings that have neither a distro rating nor a CVSS vector from the
 * NVD results cached in the database (filled by online scans, `db update --nvd`
 * or `db import` of NVD files). Findings in `pending` that stay unrated get a note.
 */
export function applyNvdRatings(
  db: CortexDatabase,
  findings: Finding[],
  pending: ReadonlySet<string>,
): Finding[] {
  const unrated = findings.filter((finding) => finding.severity === "unknown");
  if (unrated.length === 0) return findings;
  const cveIds = [...new Set(unrated.flatMap((finding) => cveIdsOf(finding)))];
  const cached = loadNvdResults(db, cveIds);
  return findings.map((finding) => {
    if (finding.severity !== "unknown") return finding;
    const ids = cveIdsOf(finding);
    let best: ReturnType<typeof ratingFromNvdMetric> | null = null;
    for (const id of ids) {
      const metric = cached.get(id)?.metric;
      if (!metric) continue;
      const rating = ratingFromNvdMetric(metric);
      if (
        rating.severity !== "unknown" &&
        (best === null || (rating.score ?? 0) > (best.score ?? 0))
      ) {
        best = rating;
      }
    }
    if (best) {
      return {
        ...finding,
        severity: best.severity,
        severitySource: best.source,
        cvssScore: best.score,
      };
    }
    if (ids.some((id) => pending.has(id)) && !finding.notes.includes(RATING_PENDING_NOTE)) {
      return { ...finding, notes: [...finding.notes, RATING_PENDING_NOTE] };
    }
    return finding;
  });
}

/** Returns the CVE ids of a finding: its id, aliases and upstream ids that start with `CVE-`. */
export function cveIdsOf(finding: Finding): string[] {
  const ids = [finding.vulnerabilityId, ...finding.aliases, ...(finding.upstream ?? [])];
  return [...new Set(ids.filter((id) => id.startsWith("CVE-")))];
}
