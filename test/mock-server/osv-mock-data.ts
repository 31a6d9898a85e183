import type { OsvAffected } from "../../src/advisories/osv/osv-record.ts";
import { evaluateAffected } from "../../src/matching/affected-range.ts";
import { compareDebianVersions } from "../../src/versioning/debian-version.ts";

/** One id of a querybatch result, as the live API returns it: id and `modified` only. */
export interface VulnerabilitySummary {
  id: string;
  modified: string;
}

/** The data an OSV mock serves: which ids affect a package version, and each record's JSON. */
export interface OsvMockData {
  vulnerabilities(ecosystem: string, name: string, version: string): VulnerabilitySummary[];
  /** The record's JSON text, or undefined when the mock has no record with this id. */
  recordText(id: string): string | undefined;
}

/**
 * Key of a package version in the mock's tables. The live API treats `Ubuntu:22.04`
 * and `Ubuntu:22.04:LTS` alike, so the `:LTS` suffix is dropped.
 */
export function packageVersionKey(ecosystem: string, name: string, version: string): string {
  return `${ecosystem.replace(/:LTS$/, "")}\u0000${name}\u0000${version}`;
}

/**
 * Builds mock data from recorded querybatch pairs, with records served from `recordTexts`.
 * The records were captured at other times than the pairs, so for an id with a
 * record the mock reports that record's `modified`, as the live API, whose two
 * endpoints read one database, would.
 */
export function recordedMockData(
  recorded: Map<string, VulnerabilitySummary[]>,
  recordTexts: Map<string, string>,
): OsvMockData {
  const modifiedOf = new Map<string, string>();
  for (const [id, text] of recordTexts) {
    modifiedOf.set(id, (JSON.parse(text) as { modified: string }).modified);
  }
  return {
    vulnerabilities: (ecosystem, name, version) =>
      (recorded.get(packageVersionKey(ecosystem, name, version)) ?? []).map((summary) => ({
        id: summary.id,
        modified: modifiedOf.get(summary.id) ?? summary.modified,
      })),
    recordText: (id) => recordTexts.get(id),
  };
}

/**
 * Builds mock data from a set of OSV records, matched the way the live API matches them: a
 * record affects a package version when one of its affected entries for that
 * ecosystem and package contains the version. Versions are compared with Debian's
 * rules, which also order Ubuntu versions. With `matchVersions` false, every record
 * with an affected entry for the package is listed, whatever the version.
 */
export function computedMockData(
  recordTexts: Map<string, string>,
  options: { matchVersions?: boolean } = {},
): OsvMockData {
  const matchVersions = options.matchVersions ?? true;
  const byPackage = new Map<string, { id: string; modified: string; entries: OsvAffected[] }[]>();
  for (const [id, text] of recordTexts) {
    const record = JSON.parse(text) as { modified: string; affected?: OsvAffected[] };
    const grouped = new Map<string, OsvAffected[]>();
    for (const entry of record.affected ?? []) {
      if (!entry.package) continue;
      const key = `${entry.package.ecosystem.replace(/:LTS$/, "")}\u0000${entry.package.name}`;
      grouped.set(key, [...(grouped.get(key) ?? []), entry]);
    }
    for (const [key, entries] of grouped) {
      const list = byPackage.get(key) ?? [];
      list.push({ id, modified: record.modified, entries });
      byPackage.set(key, list);
    }
  }

  return {
    vulnerabilities(ecosystem, name, version) {
      const candidates = byPackage.get(`${ecosystem.replace(/:LTS$/, "")}\u0000${name}`) ?? [];
      return candidates
        .filter(
          (candidate) => !matchVersions || candidate.entries.some((entry) => holds(entry, version)),
        )
        .map(({ id, modified }) => ({ id, modified }));
    },
    recordText: (id) => recordTexts.get(id),
  };
}

function holds(entry: OsvAffected, version: string): boolean {
  try {
    return evaluateAffected(entry, version, compareDebianVersions).affected;
  } catch {
    // An unparsable version in the record: the live API lists such records too.
    return true;
  }
}
