import { emptySeverityCounts, type SeverityCounts } from "../severity/severity.ts";
import type { Finding } from "./finding.ts";

/** Counts findings per severity; the counts always add up to the number of findings. */
export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts = emptySeverityCounts();
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}
