import type { OsvAffected } from "../advisories/osv/osv-record.ts";
import type { FixStatus } from "../scan/finding.ts";
import { type CompareVersions, evaluateAffected } from "./affected-range.ts";
import type { RecordEntries } from "./record-index.ts";

/** One record's verdict on one source version that it affects. */
export interface SourceVerdict {
  /** The entry that matched: the host release's own, or its Pro entry when the record has no own entry. */
  entry: OsvAffected;
  fixStatus: FixStatus;
  fixedVersion: string | null;
  proFixedVersion: string | null;
  notes: string[];
}

interface Match {
  entry: OsvAffected;
  fixedVersion: string | null;
}

type ProFix =
  | { kind: "available"; version: string; ecosystem: string; variant: boolean }
  | { kind: "installed" }
  | { kind: "none" };

/**
 * Judges one source version against one record's entries for that source.
 * Returns null when the version is not affected.
 *
 * - The host release's own entries decide. A fix there is `fixed`.
 * - Without a fix there, a fix in the release's Ubuntu Pro entry is `ubuntu-pro`
 *   (never `fixed`: it cannot be installed without a Pro subscription). Other Pro
 *   channels (FIPS, Realtime) count only when the record has no plain Pro entry,
 *   and the finding notes which channel it is.
 * - A version at or above the plain Pro fix is not affected: the host has the Pro update.
 * - When the record has no entry for the host release but has a Pro entry for it
 *   (universe packages maintained only in Ubuntu Pro), the Pro entry decides.
 *   Other Pro channels never decide alone.
 */
export function judgeSourceVersion(
  entries: RecordEntries,
  version: string,
  compare: CompareVersions,
): SourceVerdict | null {
  if (entries.host.length === 0) {
    const proMatch = findMatch(entries.pro, version, compare);
    if (proMatch === null) {
      return null;
    }
    return {
      entry: proMatch.entry,
      fixStatus: proMatch.fixedVersion === null ? "no-fix" : "ubuntu-pro",
      fixedVersion: null,
      proFixedVersion: proMatch.fixedVersion,
      notes: [],
    };
  }

  const match = findMatch(entries.host, version, compare);
  if (match === null) {
    return null;
  }
  if (match.fixedVersion !== null) {
    return {
      entry: match.entry,
      fixStatus: "fixed",
      fixedVersion: match.fixedVersion,
      proFixedVersion: null,
      notes: [],
    };
  }

  const proFix = findProFix(entries, version, compare);
  switch (proFix.kind) {
    case "installed":
      return null;
    case "available":
      return {
        entry: match.entry,
        fixStatus: "ubuntu-pro",
        fixedVersion: null,
        proFixedVersion: proFix.version,
        notes: proFix.variant ? [`fix available only in ${proFix.ecosystem}`] : [],
      };
    case "none":
      return {
        entry: match.entry,
        fixStatus: "no-fix",
        fixedVersion: null,
        proFixedVersion: null,
        notes: [],
      };
  }
}

/**
 * Evaluates several entries of one ecosystem. The first affected entry is the
 * match; its fix is the highest of all affected entries' fixes, or null when one has none.
 */
function findMatch(
  entries: readonly OsvAffected[],
  version: string,
  compare: CompareVersions,
): Match | null {
  let match: Match | null = null;
  let unfixed = false;
  for (const entry of entries) {
    const verdict = evaluateAffected(entry, version, compare);
    if (!verdict.affected) {
      continue;
    }
    if (verdict.fixedVersion === null) {
      unfixed = true;
    }
    if (match === null) {
      match = { entry, fixedVersion: verdict.fixedVersion };
    } else if (
      verdict.fixedVersion !== null &&
      (match.fixedVersion === null || compare(verdict.fixedVersion, match.fixedVersion) > 0)
    ) {
      match.fixedVersion = verdict.fixedVersion;
    }
  }
  if (match !== null && unfixed) {
    match.fixedVersion = null;
  }
  return match;
}

function findProFix(entries: RecordEntries, version: string, compare: CompareVersions): ProFix {
  const variant = entries.pro.length === 0;
  const candidates = variant ? entries.proVariant : entries.pro;

  const match = findMatch(candidates, version, compare);
  if (match !== null) {
    if (match.fixedVersion === null) {
      return { kind: "none" };
    }
    const ecosystem = match.entry.package?.ecosystem ?? "an Ubuntu Pro channel";
    return { kind: "available", version: match.fixedVersion, ecosystem, variant };
  }
  // A FIPS or Realtime build is another package line, so a standard version at
  // or above its fixed version does not show that the standard package has the fix.
  if (!variant && candidates.some((entry) => hasFixAtOrBelow(entry, version, compare))) {
    return { kind: "installed" };
  }
  return { kind: "none" };
}

function hasFixAtOrBelow(entry: OsvAffected, version: string, compare: CompareVersions): boolean {
  return (entry.ranges ?? []).some(
    (range) =>
      range.type === "ECOSYSTEM" &&
      range.events.some((event) => event.fixed !== undefined && compare(version, event.fixed) >= 0),
  );
}
