import { formatAge } from "../../platform/format-age.ts";
import type { Finding } from "../../scan/finding.ts";
import { SEVERITIES, type SeverityCounts } from "../../severity/severity.ts";
import { renderColumns } from "./render-columns.ts";
import type { ScanJson } from "./scan-json.ts";

/** Renders a scan for people: counts per severity, a table of findings, and the data age. */
export function renderScanText(scan: ScanJson): string {
  const lines: string[] = [];
  lines.push(
    `Scanned ${scan.packageCount} packages under ${scan.root} (${scan.ecosystem}, ${scan.mode}) at ${scan.scannedAt}`,
  );
  lines.push(renderCounts(scan.counts, scan.total));
  if (scan.findings.length > 0) lines.push(renderFindingsTable(scan.findings));
  else lines.push("No known vulnerabilities in the advisory data for these packages.");
  if (!scan.complete) {
    lines.push(
      `INCOMPLETE: ${scan.unchecked.length} source packages could not be checked; their findings may be missing:`,
    );
    for (const pkg of scan.unchecked) {
      lines.push(`  ${pkg.sourceName} ${pkg.sourceVersion}: ${pkg.reason}`);
    }
  }
  lines.push(renderDataAge(scan));
  return `${lines.join("\n")}\n`;
}

function renderCounts(counts: SeverityCounts, total: number): string {
  const parts = SEVERITIES.map((severity) => `${severity} ${counts[severity]}`);
  return `Findings: ${total} (${parts.join(", ")})`;
}

const SEVERITY_ORDER = new Map(SEVERITIES.map((severity, index) => [severity, index]));

function renderFindingsTable(findings: readonly Finding[]): string {
  const sorted = [...findings].sort(
    (a, b) =>
      (SEVERITY_ORDER.get(a.severity) ?? 9) - (SEVERITY_ORDER.get(b.severity) ?? 9) ||
      a.package.localeCompare(b.package) ||
      a.arch.localeCompare(b.arch) ||
      a.vulnerabilityId.localeCompare(b.vulnerabilityId),
  );
  const rows = sorted.map((finding) => [
    `${finding.package}:${finding.arch}`,
    finding.installedVersion,
    fixedColumn(finding),
    finding.vulnerabilityId,
    finding.severity,
    finding.notes.join("; "),
  ]);
  return renderColumns(
    ["PACKAGE", "INSTALLED", "FIXED", "VULNERABILITY", "SEVERITY", "NOTES"],
    rows,
  );
}

function fixedColumn(finding: Finding): string {
  if (finding.fixStatus === "ubuntu-pro") {
    return `fix requires Ubuntu Pro (${finding.proFixedVersion ?? "?"})`;
  }
  return finding.fixedVersion ?? "no fix available";
}

function renderDataAge(scan: ScanJson): string {
  if (scan.dataAgeSeconds === null) return "Advisory data age: unknown (no refresh recorded)";
  const age = formatAge(scan.dataAgeSeconds);
  return `Advisory data age: ${age} (data as of ${scan.dataRefreshedAt})${scan.dataStale ? " - STALE" : ""}`;
}
