/**
 * Kind of a parsed JSON document, as far as `db import` is concerned:
 * - `osv-record`: one OSV record (it has `modified`, `affected` or `schema_version`);
 * - `nvd-response`: one NVD CVE API 2.0 response (`resultsPerPage`, `vulnerabilities[]`);
 * - `nvd-response-list`: an array of such responses, one per page;
 * - `nvd-cve`: a bare `cve` object as found in `vulnerabilities[].cve`;
 * - `unknown`: none of these.
 */
export type JsonDocumentKind =
  | "osv-record"
  | "nvd-response"
  | "nvd-response-list"
  | "nvd-cve"
  | "unknown";

/** Classifies a parsed JSON document by the fields that tell OSV and NVD JSON apart. */
export function classifyJson(value: unknown): JsonDocumentKind {
  if (Array.isArray(value)) {
    return value.length > 0 && value.every(isNvdResponse) ? "nvd-response-list" : "unknown";
  }
  if (!isObject(value)) return "unknown";
  if (isNvdResponse(value)) return "nvd-response";
  // Both formats use CVE ids; only OSV has `modified`, only NVD has `lastModified`.
  if ("modified" in value || "affected" in value || "schema_version" in value) return "osv-record";
  if (
    typeof value.id === "string" &&
    ("lastModified" in value ||
      "vulnStatus" in value ||
      "sourceIdentifier" in value ||
      "metrics" in value)
  ) {
    return "nvd-cve";
  }
  return "unknown";
}

/**
 * Returns the `cve` values of an NVD document of kind `nvd-response`,
 * `nvd-response-list` or `nvd-cve`, each with the `timestamp` of the response
 * that carried it (null for a bare `cve` object). An entry of `vulnerabilities[]`
 * without a `cve` key is listed with `cve: undefined`, so that the writer can reject it.
 */
export function listNvdCves(value: unknown): { cve: unknown; responseTimestamp: string | null }[] {
  const kind = classifyJson(value);
  if (kind === "nvd-cve") return [{ cve: value, responseTimestamp: null }];

  const responses = kind === "nvd-response-list" ? (value as unknown[]) : [value];
  const cves: { cve: unknown; responseTimestamp: string | null }[] = [];
  for (const response of responses) {
    if (!isObject(response)) continue;
    const timestamp = typeof response.timestamp === "string" ? response.timestamp : null;
    const entries = Array.isArray(response.vulnerabilities) ? response.vulnerabilities : [];
    for (const entry of entries) {
      const cve = isObject(entry) ? entry.cve : undefined;
      cves.push({ cve, responseTimestamp: timestamp });
    }
  }
  return cves;
}

// An empty page (`totalResults: 0`) has no `vulnerabilities` key at all.
function isNvdResponse(value: unknown): boolean {
  return (
    isObject(value) &&
    ("resultsPerPage" in value || "totalResults" in value) &&
    (value.vulnerabilities === undefined || Array.isArray(value.vulnerabilities))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
