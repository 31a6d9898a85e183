import { isAbsolute } from "node:path";
import { onCalendarOf } from "./on-calendar.ts";
import { formatExecCommandLine } from "./quote-exec-argument.ts";
import type { Schedule } from "./schedule.ts";

/**
 * Maximum run time before systemd stops the service. A scan with an apt upgrade on a slow mirror
 * takes minutes, so the limit only ends a run that hangs.
 * NOTE: a run stopped in the middle of dpkg leaves it interrupted (`dpkg --configure -a` repairs it).
 */
export const SERVICE_TIMEOUT = "2h";

/** Spread of the start time, so that a fleet does not hit the mirrors at the same second. */
export const TIMER_RANDOMIZED_DELAY = "30min";

/**
 * Renders the oneshot service that runs the schedule once. `selfCommand` is the command line
 * that starts this cortex (its first element must be an absolute path) and `dataDir` the
 * absolute data directory that contains the schedule.
 */
export function renderServiceUnit(
  schedule: Pick<Schedule, "id">,
  selfCommand: readonly string[],
  dataDir: string,
): string {
  const program = selfCommand[0];
  if (program === undefined || !isAbsolute(program)) {
    throw new Error(
      `the cortex command ${JSON.stringify(selfCommand)} does not start with an absolute path, which ExecStart= requires`,
    );
  }
  if (!isAbsolute(dataDir)) {
    throw new Error(`data directory ${JSON.stringify(dataDir)} is not an absolute path`);
  }
  const argv = [...selfCommand, "security", "schedule", "run", schedule.id, "--data-dir", dataDir];
  return [
    `# Written by "cortex security schedule install-timer ${schedule.id}"; edits are overwritten.`,
    "[Unit]",
    `Description=cortex security schedule ${schedule.id}`,
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=${formatExecCommandLine(argv)}`,
    `TimeoutStartSec=${SERVICE_TIMEOUT}`,
    "Nice=19",
    "IOSchedulingClass=idle",
    "CPUSchedulingPolicy=batch",
    "",
  ].join("\n");
}

/**
 * Renders the timer that starts the schedule's service. It names no `Requires=`: the timer
 * activates the service of the same name, and a dependency would start the service as soon
 * as the timer starts.
 */
export function renderTimerUnit(
  schedule: Pick<Schedule, "id" | "frequency" | "onCalendar">,
): string {
  const onCalendar = onCalendarOf(schedule);
  if (/[\p{Cc}\\]/u.test(onCalendar)) {
    throw new Error(
      `OnCalendar expression ${JSON.stringify(onCalendar)} contains a control character or backslash`,
    );
  }
  return [
    `# Written by "cortex security schedule install-timer ${schedule.id}"; edits are overwritten.`,
    "[Unit]",
    `Description=Timer of cortex security schedule ${schedule.id}`,
    "",
    "[Timer]",
    `OnCalendar=${onCalendar}`,
    `RandomizedDelaySec=${TIMER_RANDOMIZED_DELAY}`,
    // Runs a start that was missed while the host was off, once, after boot.
    "Persistent=true",
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
  ].join("\n");
}
