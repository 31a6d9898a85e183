import type { OsvAffected, OsvRecord, OsvSeverity } from "../advisories/osv/osv-record.ts";
import type { Severity } from "./severity.ts";

/**
 * Ubuntu CVE tracker priorities. `negligible` means "technically a flaw, no
 * real security impact", so it ranks with low rather than disappearing.
 * `untriaged` is not a rating yet.
 */
export const UBUNTU_PRIORITY_SEVERITIES: Readonly<Record<string, Severity>> = {
  critical: "critical",
  high: "high",
  medium: "medium",
  low: "low",
  negligible: "low",
  untriaged: "unknown",
};

/**
 * Debian security tracker urgencies. `unimportant` (no security impact worth
 * an update) ranks with low. `not yet assigned` and `end-of-life` (the release
 * is no longer supported for this package) carry no rating.
 */
export const DEBIAN_URGENCY_SEVERITIES: Readonly<Record<string, Severity>> = {
  emergency: "critical",
  critical: "critical",
  high: "high",
  medium: "medium",
  low: "low",
  unimportant: "low",
  "not yet assigned": "unknown",
  "end-of-life": "unknown",
};

/** A distro's own rating of one affected package. */
export interface DistroRating {
  source: "ubuntu-priority" | "debian-urgency";
  /** The word as the data spells it (`low**`, `negligible`). */
  word: string;
  /** The mapped severity; `unknown` for words the tables above do not list. */
  severity: Severity;
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  unknown: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};

/**
 * Lowercases and trims a rating word and drops trailing asterisks: the Debian
 * tracker marks some urgencies as `high**` or `low*`.
 */
export function normalizeRatingWord(word: string): string {
  return word.trim().toLowerCase().replace(/\*+$/, "");
}

export function severityForUbuntuPriority(word: string): Severity {
  return UBUNTU_PRIORITY_SEVERITIES[normalizeRatingWord(word)] ?? "unknown";
}

export function severityForDebianUrgency(word: string): Severity {
  return DEBIAN_URGENCY_SEVERITIES[normalizeRatingWord(word)] ?? "unknown";
}

/**
 * Finds the distro's rating of one affected entry, or null when the data has
 * none. Looks in this order:
 * 1. `ecosystem_specific.ubuntu_priority` of the entry (older Ubuntu records);
 * 2. an `Ubuntu` severity of the entry, then of the record (UBUNTU-CVE records);
 * 3. the highest `Ubuntu` severity in the entry's `database_specific.cves_map`
 *    (USN records list each fixed CVE there with its own severities);
 * 4. `ecosystem_specific.urgency` of the entry (Debian records).
 */
export function findDistroRating(record: OsvRecord, entry: OsvAffected): DistroRating | null {
  const priority = entry.ecosystem_specific?.ubuntu_priority;
  if (typeof priority === "string") {
    return ubuntuRating(priority);
  }

  const ubuntuSeverity =
    findUbuntuSeverity(entry.severity ?? []) ?? findUbuntuSeverity(record.severity ?? []);
  if (ubuntuSeverity !== null) {
    return ubuntuRating(ubuntuSeverity);
  }

  const fromCves = highestUbuntuRating(cvesMapSeverities(entry));
  if (fromCves !== null) {
    return fromCves;
  }

  const urgency = entry.ecosystem_specific?.urgency;
  if (typeof urgency === "string") {
    return { source: "debian-urgency", word: urgency, severity: severityForDebianUrgency(urgency) };
  }
  return null;
}

/**
 * Returns the severities listed per CVE in `database_specific.cves_map.cves[].severity`
 * of a USN entry, or an empty list when the entry has none or they are malformed.
 */
export function cvesMapSeverities(entry: OsvAffected): OsvSeverity[] {
  const cvesMap = entry.database_specific?.cves_map;
  if (typeof cvesMap !== "object" || cvesMap === null) {
    return [];
  }
  const cves = (cvesMap as { cves?: unknown }).cves;
  if (!Array.isArray(cves)) {
    return [];
  }

  const severities: OsvSeverity[] = [];
  for (const cve of cves) {
    const list =
      typeof cve === "object" && cve !== null
        ? (cve as { severity?: unknown }).severity
        : undefined;
    if (!Array.isArray(list)) {
      continue;
    }
    for (const item of list) {
      if (isOsvSeverity(item)) {
        severities.push(item);
      }
    }
  }
  return severities;
}

function ubuntuRating(word: string): DistroRating {
  return { source: "ubuntu-priority", word, severity: severityForUbuntuPriority(word) };
}

function findUbuntuSeverity(severities: readonly OsvSeverity[]): string | null {
  return severities.find((severity) => severity.type === "Ubuntu")?.score ?? null;
}

function highestUbuntuRating(severities: readonly OsvSeverity[]): DistroRating | null {
  let highest: DistroRating | null = null;
  for (const severity of severities) {
    if (severity.type !== "Ubuntu") {
      continue;
    }
    const rating = ubuntuRating(severity.score);
    if (highest === null || SEVERITY_RANK[rating.severity] > SEVERITY_RANK[highest.severity]) {
      highest = rating;
    }
  }
  return highest;
}

function isOsvSeverity(value: unknown): value is OsvSeverity {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const { type, score } = value as { type?: unknown; score?: unknown };
  return typeof type === "string" && typeof score === "string";
}
