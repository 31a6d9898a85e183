/** CVSS versions that the NVD CVE API 2.0 reports, newest first. */
export type NvdCvssVersion = "4.0" | "3.1" | "3.0" | "2.0";

/** The one CVSS metric of a CVE that cortex uses when the distro gives no rating. */
export interface NvdPrimaryMetric {
  version: NvdCvssVersion;
  vectorString: string;
  baseScore: number;
  /** As NVD writes it: `CRITICAL`, `HIGH`, `MEDIUM`, `LOW`, `NONE`; null when absent. */
  baseSeverity: string | null;
  /** Source id of the scorer: `nvd@nist.gov` for NVD's own analysis, else the CNA's. */
  source: string;
}

// The `metrics` keys of an NVD CVE API 2.0 `cve` object, in order of preference.
const METRIC_KEYS: readonly { key: string; version: NvdCvssVersion }[] = [
  { key: "cvssMetricV40", version: "4.0" },
  { key: "cvssMetricV31", version: "3.1" },
  { key: "cvssMetricV30", version: "3.0" },
  { key: "cvssMetricV2", version: "2.0" },
];

/**
 * Chooses the primary metric of an NVD CVE API 2.0 `cve` object: the newest CVSS
 * version present (4.0, then 3.1, 3.0, 2.0), and within it the entry of
 * `type: "Primary"` (NVD's own score), else the first `Secondary` one (a CNA's).
 * Entries without a vector string or a numeric base score are skipped.
 *
 * Returns null when the object has no usable metric, as for rejected CVEs and
 * CVEs still awaiting analysis without a CNA score.
 */
export function selectPrimaryMetric(cve: unknown): NvdPrimaryMetric | null {
  const metrics = isObject(cve) && isObject(cve.metrics) ? cve.metrics : null;
  if (metrics === null) return null;

  for (const { key, version } of METRIC_KEYS) {
    const entries = Array.isArray(metrics[key]) ? (metrics[key] as unknown[]) : [];
    const usable = entries
      .map((entry) => readMetric(entry, version))
      .filter((entry) => entry !== null);
    const chosen =
      usable.find((entry) => entry.type === "Primary") ??
      usable.find((entry) => entry.type === "Secondary");
    if (chosen) return chosen.metric;
  }
  return null;
}

function readMetric(
  entry: unknown,
  version: NvdCvssVersion,
): { type: unknown; metric: NvdPrimaryMetric } | null {
  if (!isObject(entry) || !isObject(entry.cvssData)) return null;
  const data = entry.cvssData;
  if (typeof data.vectorString !== "string" || typeof data.baseScore !== "number") return null;

  // CVSS v3.x and v4.0 keep baseSeverity inside cvssData; v2 keeps it beside cvssData.
  const severity = data.baseSeverity ?? entry.baseSeverity;
  return {
    type: entry.type,
    metric: {
      version,
      vectorString: data.vectorString,
      baseScore: data.baseScore,
      baseSeverity: typeof severity === "string" ? severity : null,
      source: typeof entry.source === "string" ? entry.source : "",
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
