import { secondsSince } from "../scan/data-age.ts";
import type { ScanResult } from "../scan/scan-result.ts";
import { SEVERITIES } from "../severity/severity.ts";
import type { EcosystemFreshness } from "./status-sources.ts";

/** Content type of the Prometheus text exposition format, version 0.0.4. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** The state `GET /metrics` reports, read from the sources in one request. */
export interface MetricsSnapshot {
  latestScan: ScanResult | null;
  dataFreshness: EcosystemFreshness[];
  patchRunCounts: Record<string, number>;
  /** True when a reboot is pending. */
  rebootPending: boolean;
}

interface Sample {
  labels?: Record<string, string>;
  value: number;
}

interface MetricFamily {
  name: string;
  help: string;
  type: "gauge" | "counter";
  samples: Sample[];
}

/**
 * Renders the metrics in the Prometheus text exposition format 0.0.4. A family
 * with nothing to report (no scan yet, no refreshed ecosystem) keeps its HELP
 * and TYPE lines and has no samples, which the format allows.
 */
export function renderMetrics(snapshot: MetricsSnapshot, now: Date): string {
  const scan = snapshot.latestScan;
  const families: MetricFamily[] = [
    {
      name: "cortex_findings",
      help: "Findings of the last recorded scan, by severity (unknown means not rated).",
      type: "gauge",
      samples: scan
        ? SEVERITIES.map((severity) => ({ labels: { severity }, value: scan.counts[severity] }))
        : [],
    },
    {
      name: "cortex_last_scan_timestamp_seconds",
      help: "Unix time at which the last recorded scan finished.",
      type: "gauge",
      samples: scan ? [{ value: scan.finishedAt.getTime() / 1000 }] : [],
    },
    {
      name: "cortex_last_scan_complete",
      help: "1 when every lookup of the last recorded scan succeeded, 0 when its findings may be incomplete.",
      type: "gauge",
      samples: scan ? [{ value: scan.complete ? 1 : 0 }] : [],
    },
    {
      name: "cortex_advisory_data_age_seconds",
      help: "Seconds since the advisory data of an ecosystem was last refreshed by an import or online lookup.",
      type: "gauge",
      samples: dataAgeSamples(snapshot.dataFreshness, now),
    },
    {
      name: "cortex_patch_runs_total",
      help: "Patch runs recorded in the history, by status (running, succeeded, partial, failed, refused).",
      type: "counter",
      samples: Object.entries(snapshot.patchRunCounts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, count]) => ({ labels: { status }, value: count })),
    },
    {
      name: "cortex_reboot_pending",
      help: "1 when a reboot is pending (/var/run/reboot-required exists or a newer kernel is installed), else 0.",
      type: "gauge",
      samples: [{ value: snapshot.rebootPending ? 1 : 0 }],
    },
  ];
  return families.map(renderFamily).join("");
}

function dataAgeSamples(freshness: readonly EcosystemFreshness[], now: Date): Sample[] {
  const samples: Sample[] = [];
  for (const entry of freshness) {
    const age = secondsSince(entry.refreshedAt, now);
    if (age !== null) samples.push({ labels: { ecosystem: entry.ecosystem }, value: age });
  }
  return samples;
}

function renderFamily(family: MetricFamily): string {
  const lines = [
    `# HELP ${family.name} ${escapeHelp(family.help)}`,
    `# TYPE ${family.name} ${family.type}`,
  ];
  for (const sample of family.samples) {
    lines.push(`${family.name}${renderLabels(sample.labels)} ${formatValue(sample.value)}`);
  }
  return `${lines.join("\n")}\n`;
}

function renderLabels(labels: Record<string, string> | undefined): string {
  if (labels === undefined) return "";
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
  return `{${pairs.join(",")}}`;
}

/** HELP text escapes backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

/** Label values escape backslash, double quote and line feed. */
function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** Formats a sample value as the format expects: a Go-style float, `NaN`, `+Inf` or `-Inf`. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}
