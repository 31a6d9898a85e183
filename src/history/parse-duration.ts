import { usageError } from "../platform/errors.ts";

const MS_PER_DAY = 86_400_000;

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: MS_PER_DAY,
  w: 7 * MS_PER_DAY,
};

/**
 * Maximum duration: 100,000,000 days, the range of a JavaScript `Date` on either
 * side of 1970. A cutoff further back than that is an invalid date.
 */
export const MAX_DURATION_DAYS = 100_000_000;

/**
 * Parses a duration such as `30d`, `12h`, `90m` or `2w` into milliseconds.
 * Throws `usageError` naming the value for anything else, and for a duration longer than
 * `MAX_DURATION_DAYS`.
 */
export function parseDuration(text: string): number {
  const match = /^(\d+)([mhdw])$/.exec(text.trim());
  if (!match) {
    throw usageError(
      `invalid duration "${text}": expected a whole number and a unit m, h, d or w, for example 30d or 12h`,
    );
  }
  const ms = Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  if (ms > MAX_DURATION_DAYS * MS_PER_DAY) {
    throw usageError(
      `invalid duration "${text}": longer than ${MAX_DURATION_DAYS} days; give a shorter one, for example 3650d`,
    );
  }
  return ms;
}
