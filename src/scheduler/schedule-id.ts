import { usageError } from "../platform/errors.ts";

/** Maximum schedule id length; the unit names add `cortex-security-` and a suffix. */
export const MAX_SCHEDULE_ID_LENGTH = 64;

/**
 * Characters allowed in an id. The id becomes part of a unit name, so it is limited to
 * characters that systemd takes literally in unit names and that need no escaping.
 */
const SCHEDULE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/** Returns null for a valid schedule id, else why it is invalid. */
export function findScheduleIdError(id: string): string | null {
  if (id.length === 0) return "it is empty";
  if (id.length > MAX_SCHEDULE_ID_LENGTH) {
    return `it has ${id.length} characters, more than ${MAX_SCHEDULE_ID_LENGTH}`;
  }
  if (!SCHEDULE_ID_PATTERN.test(id)) {
    return "only lower-case letters, digits, '-' and '_' are allowed, starting with a letter or digit";
  }
  return null;
}

/** Throws a usage error (exit 2) unless `id` can be used as a schedule id. */
export function assertScheduleId(id: string): void {
  const error = findScheduleIdError(id);
  if (error !== null) {
    throw usageError(
      `invalid schedule id ${JSON.stringify(id)}: ${error}; choose an id like "nightly"`,
    );
  }
}

export function serviceUnitName(id: string): string {
  return `cortex-security-${id}.service`;
}

export function timerUnitName(id: string): string {
  return `cortex-security-${id}.timer`;
}
