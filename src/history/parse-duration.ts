import { usageError } from "../platform/errors.ts";

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * Parses a duration such as `30d`, `12h`, `90m` or `2w` into milliseconds.
 * Throws `usageError` naming the value for anything else.
 */
export function parseDuration(text: string): number {
  const match = /^(\d+)([mhdw])$/.exec(text.trim());
  if (!match) {
    throw usageError(
      `invalid duration "${text}": expected a whole number and a unit m, h, d or w, for example 30d or 12h`,
    );
  }
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}
