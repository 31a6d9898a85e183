import type { OsvAffected, OsvEvent, OsvRange } from "../advisories/osv/osv-record.ts";

/** Orders two versions of one scheme: negative, 0 or positive. Throws on an invalid version. */
export type CompareVersions = (a: string, b: string) => number;

/** Whether one version is affected by one affected entry, and the fix that applies. */
export interface AffectedVerdict {
  affected: boolean;
  /**
   * The `fixed` event that closes the interval holding the version: the first
   * version outside it. Null when not affected or when nothing closes it
   * ("no fix available"). When several ranges contain the version, the highest of
   * their fixes, or null when any of them has none.
   */
  fixedVersion: string | null;
}

const NOT_AFFECTED: AffectedVerdict = { affected: false, fixedVersion: null };

/**
 * Decides whether `version` is affected by one affected entry, with the OSV
 * schema's evaluation algorithm (https://ossf.github.io/osv-schema/#evaluation):
 * affected when the version is in `versions`, or when an ECOSYSTEM range contains
 * it. A range contains a version at or after an `introduced` (`"0"` is before
 * every version) and before the next `fixed`, or at or before `last_affected`,
 * and below one of its `limit`s when it has any. A version equal to a fixed
 * version is not affected. GIT and SEMVER ranges are skipped: their versions
 * are commits and upstream releases, never a distro package's version.
 *
 * `versions` entries are compared as strings, as the OSV algorithm does. When
 * only `versions` lists the version, the fix is the lowest ECOSYSTEM `fixed`
 * event above it, or null.
 */
export function evaluateAffected(
  entry: OsvAffected,
  version: string,
  compare: CompareVersions,
): AffectedVerdict {
  let affected = false;
  let fixedVersion: string | null = null;
  let unfixed = false;

  for (const range of entry.ranges ?? []) {
    if (range.type !== "ECOSYSTEM") {
      continue;
    }
    const verdict = evaluateRange(range, version, compare);
    if (!verdict.affected) {
      continue;
    }
    affected = true;
    if (verdict.fixedVersion === null) {
      unfixed = true;
    } else if (fixedVersion === null || compare(verdict.fixedVersion, fixedVersion) > 0) {
      fixedVersion = verdict.fixedVersion;
    }
  }
  if (affected) {
    return { affected, fixedVersion: unfixed ? null : fixedVersion };
  }

  if (entry.versions?.includes(version)) {
    return { affected: true, fixedVersion: lowestFixAbove(entry.ranges ?? [], version, compare) };
  }
  return NOT_AFFECTED;
}

/** Evaluates one ECOSYSTEM range with the OSV algorithm. */
export function evaluateRange(
  range: OsvRange,
  version: string,
  compare: CompareVersions,
): AffectedVerdict {
  if (!isBelowLimits(range.events, version, compare)) {
    return NOT_AFFECTED;
  }

  const events = sortEvents(range.events, compare);
  let affected = false;
  for (const event of events) {
    if (event.introduced !== undefined) {
      if (event.introduced === "0" || compare(version, event.introduced) >= 0) {
        affected = true;
      }
    } else if (event.fixed !== undefined) {
      if (compare(version, event.fixed) >= 0) {
        affected = false;
      }
    } else if (event.last_affected !== undefined) {
      if (compare(version, event.last_affected) > 0) {
        affected = false;
      }
    }
  }
  if (!affected) {
    return NOT_AFFECTED;
  }

  // The events are sorted, so the first fix above the version closes its interval.
  const closing = events.find(
    (event) => event.fixed !== undefined && compare(version, event.fixed) < 0,
  );
  return { affected: true, fixedVersion: closing?.fixed ?? null };
}

/**
 * Without `limit` events a range is unbounded. With them, the version must be
 * below at least one; a limit containing `*` is infinity.
 */
function isBelowLimits(
  events: readonly OsvEvent[],
  version: string,
  compare: CompareVersions,
): boolean {
  let hasLimit = false;
  for (const event of events) {
    if (event.limit === undefined) {
      continue;
    }
    hasLimit = true;
    if (event.limit.includes("*") || compare(version, event.limit) < 0) {
      return true;
    }
  }
  return !hasLimit;
}

/**
 * Sorts the introduced, fixed and last_affected events by version, `introduced: "0"`
 * first. Limits are left out because only `isBelowLimits` reads them. At equal
 * versions an introduced event sorts first, so `introduced: X, fixed: X` is an
 * empty interval.
 */
function sortEvents(events: readonly OsvEvent[], compare: CompareVersions): OsvEvent[] {
  const boundaries = events.filter((event) => event.limit === undefined);
  return boundaries.sort((a, b) => {
    const aVersion = eventVersion(a);
    const bVersion = eventVersion(b);
    if (aVersion === null || bVersion === null) {
      if (aVersion === bVersion) {
        return 0;
      }
      return aVersion === null ? -1 : 1;
    }
    const order = compare(aVersion, bVersion);
    if (order !== 0) {
      return order;
    }
    return (a.introduced === undefined ? 1 : 0) - (b.introduced === undefined ? 1 : 0);
  });
}

/** The version an event names, or null for `introduced: "0"`, which precedes all versions. */
function eventVersion(event: OsvEvent): string | null {
  if (event.introduced !== undefined) {
    return event.introduced === "0" ? null : event.introduced;
  }
  return event.fixed ?? event.last_affected ?? null;
}

function lowestFixAbove(
  ranges: readonly OsvRange[],
  version: string,
  compare: CompareVersions,
): string | null {
  let lowest: string | null = null;
  for (const range of ranges) {
    if (range.type !== "ECOSYSTEM") {
      continue;
    }
    for (const event of range.events) {
      const fixed = event.fixed;
      if (fixed === undefined || compare(version, fixed) >= 0) {
        continue;
      }
      if (lowest === null || compare(fixed, lowest) < 0) {
        lowest = fixed;
      }
    }
  }
  return lowest;
}
