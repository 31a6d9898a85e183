import { type DataFreshness, dataFreshness, newerTimestamp } from "../store/advisory-store.ts";
import type { CortexDatabase } from "../store/open-database.ts";
import { scanEcosystems } from "./scan-ecosystems.ts";

/**
 * Reports the freshness of the data that can decide packages of `ecosystem`:
 * every ecosystem of `scanEcosystems`, so Ubuntu records that name an LTS release
 * without `:LTS` (UBUNTU-CVE-2026-5958 has `Ubuntu:26.04`) or list it only in
 * `Ubuntu:Pro:22.04:LTS` count for the host. The latest refresh and the newest
 * `modified` of any of them win. `recordCount` sums per ecosystem, so a record
 * with two of them counts twice.
 */
export function scanDataFreshness(db: CortexDatabase, ecosystem: string): DataFreshness {
  let combined: DataFreshness = { refreshedAt: null, newestModified: null, recordCount: 0 };
  for (const candidate of scanEcosystems(ecosystem)) {
    const freshness = dataFreshness(db, candidate);
    combined = {
      refreshedAt: later(combined.refreshedAt, freshness.refreshedAt),
      newestModified: newerTimestamp(combined.newestModified, freshness.newestModified),
      recordCount: combined.recordCount + freshness.recordCount,
    };
  }
  return combined;
}

function later(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return b > a ? b : a;
}
