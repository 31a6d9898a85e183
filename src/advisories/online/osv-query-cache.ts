import { and, eq, gte, inArray } from "drizzle-orm";
import type { CortexDatabase } from "../../store/open-database.ts";
import { advisories, osvQueryCache } from "../../store/schema/advisories.ts";
import type { OsvPackageQuery } from "../osv/osv-client.ts";

/** Identifies a query in maps: ecosystem, name and version joined by NUL, which none of them contains. */
export function osvQueryKey(query: OsvPackageQuery): string {
  return `${query.ecosystem}\u0000${query.name}\u0000${query.version}`;
}

/**
 * Loads the cached vulnerability ids of the queries whose results the OSV server at `osvUrl`
 * returned at or after `freshSince`. Returns them by `osvQueryKey`; queries without a fresh row are absent.
 */
export function loadFreshOsvQueries(
  db: CortexDatabase,
  osvUrl: string,
  queries: readonly OsvPackageQuery[],
  freshSince: Date,
): Map<string, string[]> {
  const fresh = new Map<string, string[]>();
  const requested = new Set(queries.map(osvQueryKey));
  const namesByEcosystem = new Map<string, Set<string>>();
  for (const query of queries) {
    const names = namesByEcosystem.get(query.ecosystem) ?? new Set<string>();
    names.add(query.name);
    namesByEcosystem.set(query.ecosystem, names);
  }
  for (const [ecosystem, names] of namesByEcosystem) {
    for (const chunk of chunks([...names], MAX_PARAMETERS)) {
      const rows = db
        .select()
        .from(osvQueryCache)
        .where(
          and(
            eq(osvQueryCache.osvUrl, osvUrl),
            eq(osvQueryCache.ecosystem, ecosystem),
            inArray(osvQueryCache.name, chunk),
            gte(osvQueryCache.fetchedAt, freshSince),
          ),
        )
        .all();
      for (const row of rows) {
        const key = osvQueryKey(row);
        if (requested.has(key)) fresh.set(key, JSON.parse(row.vulnerabilityIdsJson) as string[]);
      }
    }
  }
  return fresh;
}

/**
 * Stores the vulnerability ids of successful lookups at the OSV server at `osvUrl`, replacing
 * older rows of that server. Callers pass only lookups whose every record was fetched: an
 * empty list means "checked, no vulnerabilities", never "the lookup failed".
 */
export function saveOsvQueries(
  db: CortexDatabase,
  osvUrl: string,
  results: readonly { query: OsvPackageQuery; vulnerabilityIds: string[] }[],
  fetchedAt: Date,
): void {
  db.transaction((tx) => {
    for (const { query, vulnerabilityIds } of results) {
      const row = {
        osvUrl,
        ecosystem: query.ecosystem,
        name: query.name,
        version: query.version,
        vulnerabilityIdsJson: JSON.stringify(vulnerabilityIds),
        fetchedAt,
      };
      tx.insert(osvQueryCache)
        .values(row)
        .onConflictDoUpdate({
          target: [
            osvQueryCache.osvUrl,
            osvQueryCache.ecosystem,
            osvQueryCache.name,
            osvQueryCache.version,
          ],
          set: { vulnerabilityIdsJson: row.vulnerabilityIdsJson, fetchedAt },
        })
        .run();
    }
  });
}

/** Loads the `modified` timestamp of each stored record among `ids`; ids not stored are absent. */
export function loadStoredModified(
  db: CortexDatabase,
  ids: readonly string[],
): Map<string, string> {
  const modified = new Map<string, string>();
  for (const chunk of chunks([...new Set(ids)], MAX_PARAMETERS)) {
    const rows = db
      .select({ id: advisories.id, modified: advisories.modified })
      .from(advisories)
      .where(inArray(advisories.id, chunk))
      .all();
    for (const row of rows) modified.set(row.id, row.modified);
  }
  return modified;
}

// SQLite allows at least 32,766 bound parameters since 3.32; stay far below.
const MAX_PARAMETERS = 900;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    result.push(items.slice(start, start + size));
  return result;
}
