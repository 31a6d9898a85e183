import type { Frequency, Schedule } from "./schedule.ts";

/**
 * OnCalendar expression for each frequency, in the host's local time. The explicit early-morning
 * times keep runs off midnight, when `daily` timers such as logrotate's fire, and apart from each
 * other.
 */
export const DEFAULT_ON_CALENDAR: Record<Frequency, string> = {
  daily: "*-*-* 03:30:00",
  weekly: "Mon *-*-* 04:00:00",
  monthly: "*-*-01 04:30:00",
};

/** Returns the OnCalendar expression that the schedule's timer uses. */
export function onCalendarOf(schedule: Pick<Schedule, "frequency" | "onCalendar">): string {
  return schedule.onCalendar ?? DEFAULT_ON_CALENDAR[schedule.frequency];
}

/**
 * Formats when the schedule runs, for messages: `daily at *-*-* 03:30:00` for a default time.
 * An `--on-calendar` expression such as `minutely` need not match the frequency, so it is shown
 * as the expression with the default it replaces.
 */
export function describeTiming(schedule: Pick<Schedule, "frequency" | "onCalendar">): string {
  const defaultTime = DEFAULT_ON_CALENDAR[schedule.frequency];
  if (schedule.onCalendar === null) return `${schedule.frequency} at ${defaultTime}`;
  return `OnCalendar=${schedule.onCalendar}, in place of the ${schedule.frequency} default ${defaultTime}`;
}
