import { escapeControlCharacters } from "../platform/escape-control-characters.ts";
import type { PatchPlan } from "./patch-plan.ts";
import type { PatchOutcome } from "./run-patch.ts";

/** Human-readable plan and, after applying, the outcome. */
export function renderPatchText(
  plan: PatchPlan,
  outcome: PatchOutcome,
  context: { root: string; historyId: number | null; scanAge: string; dataAge: string },
): string {
  const { policy } = plan;
  const lines = [
    `Patch plan for ${context.root}: strategy ${policy.strategy}, min_severity ${policy.minSeverity}, unrated findings ranked as ${policy.unknownSeverity}${policy.packageName ? `, only ${policy.packageName}` : ""}`,
    `Based on scan${outcome.scanId !== null ? ` #${outcome.scanId}` : ""}, finished ${context.scanAge} ago (${outcome.scanFinishedAt.toISOString()}).`,
    `Advisory data age: ${context.dataAge}.`,
    "",
  ];

  const sources = new Set(plan.upgrades.map((upgrade) => upgrade.sourcePackage));
  lines.push(`Upgrades: ${plan.upgrades.length} package(s) from ${sources.size} source package(s)`);
  for (const upgrade of plan.upgrades) {
    lines.push(
      `  ${upgrade.package}:${upgrade.arch}  ${upgrade.fromVersion} -> ${upgrade.toVersion}  (source ${upgrade.sourcePackage})`,
    );
  }

  lines.push("", `Vulnerabilities fixed: ${plan.fixes.length}`);
  for (const fix of plan.fixes) {
    const rating = fix.unrated ? `unrated, ranked as ${fix.rankedAs}` : fix.severity;
    lines.push(
      `  ${fix.vulnerabilityId}  ${rating}  ${fix.sourcePackage}  fixed in ${fix.fixedVersion}`,
    );
  }

  lines.push("", `Vulnerabilities that stay: ${plan.remaining.length}`);
  for (const item of plan.remaining) {
    lines.push(
      `  ${item.vulnerabilityId}  ${item.severity}  ${item.sourcePackage}  ${item.detail}`,
    );
  }

  lines.push("", `Packages skipped: ${plan.skipped.length}`);
  for (const skipped of plan.skipped) {
    lines.push(
      `  ${skipped.package}:${skipped.arch}  ${skipped.installedVersion} -> ${skipped.candidateVersion}  ${skipped.reason}: ${skipped.detail}`,
    );
  }
  lines.push("");

  if (outcome.status === "planned") {
    lines.push("Dry run: nothing was changed. Run again with --apply (as root) to upgrade.");
  } else if (outcome.status === "nothing-to-do") {
    lines.push("Nothing to upgrade.");
  } else {
    lines.push(`Outcome: ${outcome.status} (history entry #${context.historyId})`);
    for (const pkg of outcome.packages) {
      lines.push(
        `  ${pkg.package}:${pkg.arch}  ${pkg.versionBefore} -> ${pkg.versionReached ?? "not installed"}${pkg.versionReached === pkg.versionPlanned ? "" : ` (planned ${pkg.versionPlanned})`}`,
      );
    }
    for (const message of outcome.messages) lines.push(`  ${message}`);
    if (outcome.reboot) {
      lines.push(
        outcome.reboot.rebootRequired
          ? `Reboot required: ${outcome.reboot.reasons.join("; ")}`
          : "No reboot required.",
      );
      if (outcome.reboot.needrestart) lines.push("needrestart -b:", outcome.reboot.needrestart);
    }
  }
  // Package names, versions, messages and needrestart's output come from the patched system,
  // so their control characters are escaped. Line breaks stay for needrestart's lines.
  const escaped = lines.map((line) => escapeControlCharacters(line, { keepLineBreaks: true }));
  return `${escaped.join("\n")}\n`;
}
