const SECONDS_PER_DAY = 86_400;

/** Age of the advisory data at one moment, and whether it is past the maximum data age. */
export interface DataAge {
  /** Whole seconds since the last refresh, or null when no refresh was recorded. */
  ageSeconds: number | null;
  /** True when older than the maximum data age, or when no refresh was recorded. */
  stale: boolean;
}

/**
 * Computes how old advisory data last refreshed at `refreshedAt` is at `now`. Data without a
 * recorded refresh counts as stale, because nothing shows that it is fresh.
 */
export function dataAge(refreshedAt: Date | null, now: Date, maxDataAgeDays: number): DataAge {
  const ageSeconds = secondsSince(refreshedAt, now);
  return {
    ageSeconds,
    stale: ageSeconds === null || ageSeconds > maxDataAgeDays * SECONDS_PER_DAY,
  };
}

/** Returns whole seconds from `then` to `now`, at least 0, or null when `then` is null. */
export function secondsSince(then: Date | null, now: Date): number | null {
  if (then === null) return null;
  return Math.max(0, Math.floor((now.getTime() - then.getTime()) / 1000));
}
