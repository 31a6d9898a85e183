import type { CommandRunner } from "../platform/command-runner.ts";
import { usageError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { CortexDatabase } from "../store/open-database.ts";
import {
  DEFAULT_SCHEDULE_STRATEGY,
  type Frequency,
  type Schedule,
  type ScheduleStrategy,
} from "./schedule.ts";
import { assertScheduleId } from "./schedule-id.ts";
import { getSchedule, insertSchedule } from "./schedule-store.ts";
import { checkCalendarExpression } from "./systemd-calendar.ts";

export interface CreateScheduleRequest {
  id: string;
  frequency: Frequency;
  onCalendar?: string;
  enablePatch: boolean;
  strategy?: ScheduleStrategy;
  offline: boolean;
  /** Absolute data directory; stored so that the service unit passes it on. */
  dataDir: string;
}

/**
 * Checks the options of a new schedule without touching the database or any file: the id,
 * the strategy (only with patching) and the OnCalendar expression, which
 * `systemd-analyze calendar` must accept and which must elapse at least once more.
 * Throws a usage error (exit 2) naming the problem.
 */
export async function validateScheduleRequest(
  request: CreateScheduleRequest,
  services: { runner: CommandRunner; log: Logger; now: () => Date },
): Promise<void> {
  assertScheduleId(request.id);
  if (request.strategy !== undefined && !request.enablePatch) {
    throw usageError(
      `--strategy ${request.strategy} has no effect without --enable-patch; add --enable-patch or drop --strategy`,
    );
  }
  if (request.onCalendar !== undefined) {
    await assertCalendarExpression(request.onCalendar, services);
  }
}

async function assertCalendarExpression(
  expression: string,
  services: { runner: CommandRunner; log: Logger; now: () => Date },
): Promise<void> {
  // A line break or backslash would end or continue the OnCalendar= line of the timer unit.
  if (/[\p{Cc}\\]/u.test(expression) || expression.trim() === "") {
    throw usageError(
      `invalid --on-calendar ${JSON.stringify(expression)}: it is empty or contains a control character or backslash`,
    );
  }
  const check = await checkCalendarExpression(services.runner, expression, services.now());
  if (check.status === "invalid") {
    throw usageError(`invalid --on-calendar ${JSON.stringify(expression)}: ${check.message}`);
  }
  if (check.status === "unavailable") {
    services.log.warn(
      `could not check --on-calendar ${JSON.stringify(expression)} (${check.message}); install-timer verifies it later`,
    );
    return;
  }
  if (check.never) {
    throw usageError(
      `--on-calendar ${JSON.stringify(expression)} never elapses after ${services.now().toISOString()}; choose an expression that repeats`,
    );
  }
}

/**
 * Stores a new schedule after `validateScheduleRequest` passed. Throws a usage error when the
 * id is already taken.
 */
export function storeNewSchedule(
  db: CortexDatabase,
  request: CreateScheduleRequest,
  now: Date,
): Schedule {
  const schedule: Schedule = {
    id: request.id,
    frequency: request.frequency,
    onCalendar: request.onCalendar ?? null,
    patchEnabled: request.enablePatch,
    strategy: request.enablePatch ? (request.strategy ?? DEFAULT_SCHEDULE_STRATEGY) : null,
    offline: request.offline,
    dataDir: request.dataDir,
    createdAt: now,
    timerUnitDir: null,
    timerEnabled: false,
  };
  if (!insertSchedule(db, schedule)) {
    const existing = getSchedule(db, request.id);
    throw usageError(
      `schedule ${request.id} already exists (${existing?.frequency ?? "unknown"}, created ${existing?.createdAt.toISOString() ?? "earlier"}); delete it first or choose another id`,
    );
  }
  return schedule;
}
