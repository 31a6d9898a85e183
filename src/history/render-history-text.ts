import { escapeControlCharacters } from "../platform/escape-control-characters.ts";
import type { HistoryEntry } from "./history-entry.ts";
import type { RollbackPlan } from "./plan-rollback.ts";

/** Renders one line per entry, newest first, for `cortex security history`. */
export function renderHistoryList(entries: readonly HistoryEntry[]): string {
  if (entries.length === 0) return "No patch or rollback runs recorded.\n";
  const lines = entries.map((entry) => {
    const packages = entry.packages
      .map(
        (pkg) => `${pkg.package}:${pkg.arch} ${pkg.versionBefore} -> ${pkg.versionReached ?? "?"}`,
      )
      .join(", ");
    const link =
      entry.rollbackOf !== null
        ? ` (rolls back #${entry.rollbackOf})`
        : entry.rolledBackBy !== null
          ? ` (rolled back by #${entry.rolledBackBy})`
          : "";
    return `#${entry.id}  ${entry.startedAt.toISOString()}  ${entry.kind.padEnd(8)} ${entry.status.padEnd(9)} ${entry.root}${link}  ${packages || "(no packages)"}`;
  });
  return joinEscapedLines(lines);
}

/** Renders the full description of one entry, for `cortex security history show ID`. */
export function renderHistoryEntry(entry: HistoryEntry): string {
  const lines = [
    `Entry #${entry.id}: ${entry.kind}, ${entry.status}`,
    `Root: ${entry.root}`,
    `Started: ${entry.startedAt.toISOString()}`,
    `Finished: ${entry.finishedAt?.toISOString() ?? "(not recorded)"}`,
  ];
  if (entry.strategy) lines.push(`Strategy: ${entry.strategy}`);
  if (entry.rollbackOf !== null) lines.push(`Rolls back: #${entry.rollbackOf}`);
  if (entry.rolledBackBy !== null) lines.push(`Rolled back by: #${entry.rolledBackBy}`);

  lines.push("", "Packages (before -> planned, reached; saved .deb):");
  for (const pkg of entry.packages) {
    lines.push(
      `  ${pkg.package}:${pkg.arch}  ${pkg.versionBefore} -> ${pkg.versionPlanned}, reached ${pkg.versionReached ?? "none"}; ${pkg.savedFile ? `${pkg.savedFile} (${pkg.savedBy})` : "not saved"}`,
    );
  }

  if (entry.plan) {
    lines.push("", `Vulnerabilities fixed by the plan: ${entry.plan.fixes.length}`);
    for (const fix of entry.plan.fixes) lines.push(`  ${fix.vulnerabilityId} (${fix.severity})`);
  }
  if (entry.messages.length > 0) {
    lines.push("", "Messages:", ...entry.messages.map((message) => `  ${message}`));
  }
  if (entry.reboot) {
    lines.push(
      "",
      `Reboot required: ${entry.reboot.rebootRequired ? `yes (${entry.reboot.reasons.join("; ")})` : "no"}`,
    );
    if (entry.reboot.needrestart) lines.push("needrestart -b:", entry.reboot.needrestart);
  }
  lines.push("", "Commands:");
  for (const command of entry.commands) {
    lines.push(
      `  $ ${command.argv.join(" ")}  (exit ${command.exitCode}, ${command.durationMs} ms)`,
    );
    const output = `${command.stdout}${command.stderr}`.trim();
    if (output) lines.push(...output.split("\n").map((line) => `    ${line}`));
  }
  return joinEscapedLines(lines);
}

/** Renders what `rollback ID` would do or did. */
export function renderRollbackPlan(plan: RollbackPlan, applied: boolean): string {
  const lines = [
    `Rollback of entry #${plan.entryId} on ${plan.root}:`,
    ...plan.steps.map(
      (step) =>
        `  ${step.package}:${step.arch}  ${step.currentVersion} -> ${step.targetVersion}  from ${step.savedFile}`,
    ),
  ];
  for (const warning of plan.warnings) lines.push(`  warning: ${warning}`);
  if (!applied) {
    lines.push("Dry run: nothing was changed. Run again with --apply (as root) to roll back.");
  }
  return joinEscapedLines(lines);
}

/**
 * Joins `lines` for the terminal. Package names, versions, messages and command output come
 * from the patched system or the stored entry, so their control characters are escaped.
 */
function joinEscapedLines(lines: readonly string[]): string {
  const escaped = lines.map((line) => escapeControlCharacters(line, { keepLineBreaks: true }));
  return `${escaped.join("\n")}\n`;
}
