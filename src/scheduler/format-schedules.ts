import type { SeverityCounts } from "../severity/severity.ts";
import { SEVERITIES } from "../severity/severity.ts";
import type { Schedule, ScheduleRun } from "./schedule.ts";
import type { ScheduleStatus } from "./schedules-status.ts";

const TABLE_HEADER = [
  "ID",
  "FREQUENCY",
  "STRATEGY",
  "PATCH",
  "OFFLINE",
  "TIMER",
  "LAST RUN",
  "OUTCOME",
  "NEXT RUN",
];

/** Formats `schedule list` as aligned columns, one schedule a line. */
export function formatScheduleTable(statuses: readonly ScheduleStatus[]): string {
  if (statuses.length === 0) return "No schedules.\n";
  const rows = statuses.map((status) => [
    status.id,
    status.frequency,
    status.strategy ?? "-",
    yesNo(status.patchEnabled),
    yesNo(status.offline),
    yesNo(status.timerInstalled),
    status.lastRun ? formatTime(status.lastRun.startedAt) : "never",
    status.lastRun?.outcome ?? "-",
    status.nextRun ? formatTime(status.nextRun) : "unknown",
  ]);
  return formatColumns([TABLE_HEADER, ...rows]);
}

/** Formats `schedule show`: the settings, then the recent runs, newest first. */
export function formatScheduleDetails(
  schedule: Schedule,
  status: ScheduleStatus,
  runs: readonly ScheduleRun[],
): string {
  const lines = [
    `Schedule:     ${schedule.id}`,
    `Frequency:    ${schedule.frequency}`,
    `OnCalendar:   ${status.onCalendar}${schedule.onCalendar === null ? " (default)" : ""}`,
    `Patching:     ${schedule.patchEnabled ? `on, strategy ${schedule.strategy}` : "off (scan only)"}`,
    `Offline:      ${yesNo(schedule.offline)}`,
    `Data dir:     ${schedule.dataDir}`,
    `Timer:        ${describeTimer(schedule, status)}`,
    `Created:      ${formatTime(schedule.createdAt.toISOString())}`,
    `Next run:     ${status.nextRun ? `${formatTime(status.nextRun)} (plus up to the timer's random delay)` : "unknown"}`,
    "",
  ];
  if (runs.length === 0) {
    lines.push("No runs yet.");
  } else {
    lines.push("Recent runs:");
    for (const run of runs) lines.push(`  ${formatRunLine(run)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Formats one run as a line: id, start, outcome, counts, history entry and the reason of a failure. */
export function formatRunLine(run: ScheduleRun): string {
  const parts = [
    `run ${run.id}`,
    formatTime(run.startedAt.toISOString()),
    run.dryRun ? `${run.outcome} (dry run)` : run.outcome,
  ];
  if (run.counts) parts.push(formatCounts(run.counts));
  if (run.historyId !== null) parts.push(`patch history ${run.historyId}`);
  if (run.reason) parts.push(`reason: ${run.reason}`);
  return parts.join("  ");
}

export function formatCounts(counts: SeverityCounts): string {
  return SEVERITIES.map((severity) => `${severity} ${counts[severity]}`).join(", ");
}

function describeTimer(schedule: Schedule, status: ScheduleStatus): string {
  if (schedule.timerUnitDir === null) return "not installed";
  if (!status.timerInstalled) {
    return `recorded in ${schedule.timerUnitDir}, but the unit file is missing there`;
  }
  return `installed in ${schedule.timerUnitDir}${schedule.timerEnabled ? ", enabled" : ", not enabled"}`;
}

/** `2026-12-05T03:30:00.000Z` → `2026-12-05 03:30 UTC`. */
function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}

function formatColumns(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
        )
        .join("  "),
    )
    .map((line) => `${line}\n`)
    .join("");
}
