export { installTimer, removeTimer, SYSTEM_UNIT_DIR } from "./install-timer.ts";
export { DEFAULT_ON_CALENDAR, onCalendarOf } from "./on-calendar.ts";
export { renderServiceUnit, renderTimerUnit } from "./render-units.ts";
export { runSchedule } from "./run-schedule.ts";
export type { Frequency, RunOutcome, Schedule, ScheduleRun, ScheduleStrategy } from "./schedule.ts";
export { getSchedule, listScheduleRuns, listSchedules } from "./schedule-store.ts";
export { type ScheduleStatus, schedulesStatus } from "./schedules-status.ts";
