import type { CommandRunner } from "../platform/command-runner.ts";

/** Exit code of a command that could not be started (the spawn runner's, like a shell's). */
const COMMAND_NOT_FOUND = 127;

/** Fields that `systemd-analyze calendar` printed for one expression. */
export interface CalendarOutput {
  normalizedForm: string | null;
  /** Next elapse in UTC; null when systemd printed "never" or a time this parser cannot read. */
  nextElapse: Date | null;
  /** True when systemd printed "Next elapse: never". */
  never: boolean;
}

/** Result of checking an OnCalendar expression with `systemd-analyze calendar`. */
export type CalendarCheck =
  | ({ status: "valid" } & CalendarOutput)
  | { status: "invalid"; message: string }
  /** systemd-analyze is missing or failed for another reason, so nothing is known. */
  | { status: "unavailable"; message: string };

/**
 * Parses the output of `systemd-analyze calendar --iterations=1` (systemd 252):
 *
 *     Normalized form: *-*-* 03:30:00
 *         Next elapse: Sat 2026-12-05 03:30:00 CET
 *            (in UTC): Sat 2026-12-05 02:30:00 UTC
 *
 * The "(in UTC)" line appears only when the local time zone is not UTC.
 */
export function parseCalendarOutput(text: string): CalendarOutput {
  let normalizedForm: string | null = null;
  let nextElapseText: string | null = null;
  let inUtcText: string | null = null;
  for (const line of text.split("\n")) {
    const match = /^\s*([^:]+):\s(.*)$/.exec(line);
    if (!match) continue;
    const [, key, value] = match as unknown as [string, string, string];
    if (key === "Normalized form") normalizedForm = value.trim();
    else if (key === "Next elapse") nextElapseText = value.trim();
    else if (key === "(in UTC)") inUtcText = value.trim();
  }
  const never = nextElapseText === "never";
  const utcText = inUtcText ?? nextElapseText;
  return { normalizedForm, nextElapse: utcText ? parseUtcTimestamp(utcText) : null, never };
}

/** Reads `Sat 2026-12-05 02:30:00 UTC`; returns null for any other zone or shape. */
function parseUtcTimestamp(text: string): Date | null {
  const match = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC$/.exec(text);
  if (!match) return null;
  const date = new Date(`${match[1]}T${match[2]}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Checks one OnCalendar expression with `systemd-analyze calendar`, which needs no running
 * systemd. With `baseTime` the next elapse is computed from that instant (`--base-time`).
 * A systemd-analyze without that option computes it from the real clock instead.
 */
export async function checkCalendarExpression(
  runner: CommandRunner,
  expression: string,
  baseTime?: Date,
): Promise<CalendarCheck> {
  const baseArgs = ["systemd-analyze", "calendar", "--iterations=1"];
  const options = { env: { LC_ALL: "C" }, timeoutMs: 10_000 };
  let result =
    baseTime === undefined
      ? await runner.run([...baseArgs, "--", expression], options)
      : await runner.run(
          [...baseArgs, `--base-time=@${Math.floor(baseTime.getTime() / 1000)}`, "--", expression],
          options,
        );
  if (baseTime !== undefined && /unrecognized option/.test(result.stderr)) {
    result = await runner.run([...baseArgs, "--", expression], options);
  }

  if (result.exitCode === COMMAND_NOT_FOUND) {
    return { status: "unavailable", message: "systemd-analyze is not installed" };
  }
  const message = result.stderr.trim();
  if (result.exitCode !== 0) {
    // systemd-analyze reports a bad expression as "Failed to parse calendar specification ...".
    if (/Failed to parse calendar/i.test(message)) return { status: "invalid", message };
    return {
      status: "unavailable",
      message: `systemd-analyze calendar exited with ${result.exitCode}: ${message || "no message"}`,
    };
  }
  return { status: "valid", ...parseCalendarOutput(result.stdout) };
}

/** Next elapse of `expression` after `now`, or null when it is unknown or never comes. */
export async function nextElapse(
  runner: CommandRunner,
  expression: string,
  now: Date,
): Promise<Date | null> {
  const check = await checkCalendarExpression(runner, expression, now);
  return check.status === "valid" ? check.nextElapse : null;
}
