import type { OsvPackageQuery } from "../osv/osv-client.ts";

/** One package's querybatch result: every id it listed, and those whose record must be fetched. */
export interface PackageRecordNeeds {
  query: OsvPackageQuery;
  ids: readonly string[];
  /** Ids with no stored record, or a stored one older than the `modified` querybatch gave. */
  needed: readonly string[];
}

/**
 * One request for records: every record of a package with `POST /v1/query`, or one
 * record with `GET /v1/vulns/{id}`.
 */
export type RecordFetch =
  | { kind: "package"; query: OsvPackageQuery; ids: readonly string[] }
  | { kind: "record"; id: string };

/**
 * Chooses the requests that fetch every needed record.
 *
 * `POST /v1/query` returns all records of a package version in one response, while
 * `GET /v1/vulns/{id}` returns one. A package gets one `/v1/query` when it needs at
 * least 2 records and those are at least half of its ids: that saves requests, and the
 * response carries at most twice the bytes of the needed records. On a first scan every
 * record is needed, so a Debian 12 host with 146 vulnerable source packages and 5,980
 * records takes 146 requests instead of 5,980. On a later refresh only the records
 * whose `modified` changed are needed, and they are fetched one by one.
 *
 * Needed ids that no package request covers get one `GET` each, once even when
 * several packages list them.
 */
export function planRecordFetches(packages: readonly PackageRecordNeeds[]): RecordFetch[] {
  const fetches: RecordFetch[] = [];
  const covered = new Set<string>();
  for (const pkg of packages) {
    if (pkg.needed.length >= 2 && pkg.needed.length * 2 >= pkg.ids.length) {
      fetches.push({ kind: "package", query: pkg.query, ids: pkg.ids });
      for (const id of pkg.ids) covered.add(id);
    }
  }
  for (const pkg of packages) {
    for (const id of pkg.needed) {
      if (covered.has(id)) continue;
      covered.add(id);
      fetches.push({ kind: "record", id });
    }
  }
  return fetches;
}
