import type { CortexConfig } from "../../config/cortex-config.ts";
import { createJsonHttpClient, type RetryPolicy } from "../../platform/http/json-http-client.ts";
import type { Sleep } from "../../platform/http/sleep.ts";
import type { Logger } from "../../platform/logger.ts";
import type { ScanProgress } from "../../scan/run-scan.ts";
import type { UncheckedPackage } from "../../scan/scan-result.ts";
import {
  compareOsvTimestamps,
  markDataRefreshed,
  newerTimestamp,
} from "../../store/advisory-store.ts";
import type { CortexDatabase } from "../../store/open-database.ts";
import {
  OsvClient,
  type OsvPackageQuery,
  type OsvVulnerabilitySummary,
} from "../osv/osv-client.ts";
import { mapWithConcurrency } from "./map-with-concurrency.ts";
import {
  loadFreshOsvQueries,
  loadStoredModified,
  osvQueryKey,
  saveOsvQueries,
} from "./osv-query-cache.ts";
import { OsvRecordCollector } from "./osv-record-collector.ts";
import { type PackageRecordNeeds, planRecordFetches } from "./plan-record-fetches.ts";

/** Record requests sent at once, so that a first scan does not open hundreds of connections. */
export const MAX_REQUESTS_IN_FLIGHT = 16;

export interface OsvRefreshDeps {
  db: CortexDatabase;
  config: CortexConfig;
  fetch: typeof fetch;
  now: () => Date;
  log: Logger;
  /** Ask OSV even for queries with a fresh cached result. */
  refresh: boolean;
  /** Reports looked-up packages as they complete; `findings` stays 0 here. */
  onProgress?: (progress: ScanProgress) => void;
  /** Retry timing; tests shorten it. */
  retry?: Partial<RetryPolicy>;
  /** Waits out `Retry-After`; tests pass one that returns at once. */
  sleep?: Sleep;
}

export interface OsvRefreshResult {
  /** Packages whose lookup failed: their findings may be missing. */
  unchecked: UncheckedPackage[];
  /** HTTP requests sent, retries included. */
  requests: number;
}

/** One package version with its querybatch result. */
interface Lookup {
  query: OsvPackageQuery;
  summaries: OsvVulnerabilitySummary[];
}

/**
 * Brings the stored OSV data up to date for source package versions, then caches
 * which ids affect each of them.
 *
 * Queries whose results the same OSV server (`osvUrl`, trailing slashes ignored) returned
 * within `cacheTtlHours` are skipped unless `refresh` is set. The rest go to
 * `POST /v1/querybatch`. The records it lists that are not stored, or stored with an
 * older `modified`, are fetched (see `planRecordFetches`) with at most 16 requests in
 * flight, then validated and stored. A query is cached only
 * when every record it listed is stored. A failed request, a 404 for a listed id or
 * an invalid record puts the package in `unchecked` and caches nothing for it, so
 * a failure is never remembered as "no vulnerabilities".
 *
 * Pass source package names and source versions: Debian and Ubuntu records name
 * source packages.
 */
export async function refreshFromOsv(
  queries: readonly OsvPackageQuery[],
  deps: OsvRefreshDeps,
): Promise<OsvRefreshResult> {
  const now = deps.now();
  const unique = [...new Map(queries.map((query) => [osvQueryKey(query), query])).values()];
  const freshSince = new Date(now.getTime() - deps.config.cacheTtlHours * 3_600_000);
  const osvUrl = deps.config.osvUrl.replace(/\/+$/, "");
  const cached = deps.refresh
    ? new Map()
    : loadFreshOsvQueries(deps.db, osvUrl, unique, freshSince);
  const stale = unique.filter((query) => !cached.has(osvQueryKey(query)));

  let done = unique.length - stale.length;
  const report = () => deps.onProgress?.({ done, total: unique.length, findings: 0 });
  report();
  if (stale.length === 0) return { unchecked: [], requests: 0 };

  let requests = 0;
  const countingFetch = ((input, init) => {
    requests += 1;
    return deps.fetch(input, init);
  }) as typeof fetch;
  const http = createJsonHttpClient({
    fetch: countingFetch,
    timeoutMs: deps.config.requestTimeoutSeconds * 1000,
    retry: deps.retry,
    sleep: deps.sleep,
    now: deps.now,
    log: deps.log,
  });
  const client = new OsvClient(http, osvUrl);
  deps.log.debug(`looking up ${stale.length} source packages at ${deps.config.osvUrl}`);

  const unchecked: UncheckedPackage[] = [];
  const lookups: Lookup[] = [];
  const outcomes = await client.queryBatch(stale);
  outcomes.forEach((outcome, index) => {
    const query = stale[index] as OsvPackageQuery;
    if (outcome.ok) {
      lookups.push({ query, summaries: outcome.value });
    } else {
      unchecked.push(uncheckedPackage(query, outcome.reason));
      done += 1;
    }
  });
  report();

  const collector = new OsvRecordCollector(client, deps.db, now, deps.log);
  const needs = findRecordNeeds(deps.db, lookups, deps.refresh);
  trackProgress(collector, needs, () => {
    done += 1;
    report();
  });
  done += needs.filter((need) => need.needed.length === 0).length;
  collector.markStored(needs.flatMap((need) => need.ids.filter((id) => !need.needed.includes(id))));

  const fetches = planRecordFetches(needs);
  await mapWithConcurrency(fetches, MAX_REQUESTS_IN_FLIGHT, (fetch) => collector.run(fetch));
  const missing = collector.takeMissing();
  await mapWithConcurrency(missing, MAX_REQUESTS_IN_FLIGHT, (id) =>
    collector.run({ kind: "record", id }),
  );

  const completed: Lookup[] = [];
  for (const lookup of lookups) {
    const failure = firstFailure(collector, lookup);
    if (failure === null) completed.push(lookup);
    else unchecked.push(uncheckedPackage(lookup.query, failure));
  }
  saveOsvQueries(
    deps.db,
    osvUrl,
    completed.map((lookup) => ({ query: lookup.query, vulnerabilityIds: uniqueIds(lookup) })),
    now,
  );
  markRefreshedEcosystems(deps.db, completed, now);

  for (const entry of unchecked) {
    deps.log.debug(
      `OSV lookup of ${entry.sourceName} ${entry.sourceVersion} failed: ${entry.reason}`,
    );
  }
  return { unchecked, requests };
}

/** Lists, per lookup, the ids whose record is missing or older than querybatch's `modified`. */
function findRecordNeeds(
  db: CortexDatabase,
  lookups: readonly Lookup[],
  refresh: boolean,
): PackageRecordNeeds[] {
  const stored = loadStoredModified(
    db,
    lookups.flatMap((lookup) => lookup.summaries.map((summary) => summary.id)),
  );
  const isCurrent = (summary: OsvVulnerabilitySummary): boolean => {
    const storedModified = stored.get(summary.id);
    if (storedModified === undefined) return false;
    // Without a `modified` to compare, only `refresh` fetches a stored record again.
    if (summary.modified === null) return !refresh;
    return compareOsvTimestamps(storedModified, summary.modified) >= 0;
  };
  return lookups.map((lookup) => {
    const current = new Set(lookup.summaries.filter(isCurrent).map((summary) => summary.id));
    const ids = uniqueIds(lookup);
    return { query: lookup.query, ids, needed: ids.filter((id) => !current.has(id)) };
  });
}

/** Calls `onPackageDone` once per lookup, when the last of its needed ids settles. */
function trackProgress(
  collector: OsvRecordCollector,
  needs: readonly PackageRecordNeeds[],
  onPackageDone: () => void,
): void {
  const remaining = needs.map((need) => new Set(need.needed));
  const waiting = new Map<string, Set<string>[]>();
  for (const pending of remaining) {
    for (const id of pending) waiting.set(id, [...(waiting.get(id) ?? []), pending]);
  }
  collector.onSettled((id) => {
    for (const pending of waiting.get(id) ?? []) {
      if (pending.delete(id) && pending.size === 0) onPackageDone();
    }
  });
}

function firstFailure(collector: OsvRecordCollector, lookup: Lookup): string | null {
  for (const id of uniqueIds(lookup)) {
    const failure = collector.failureOf(id);
    if (failure !== null) return failure;
  }
  return null;
}

function markRefreshedEcosystems(
  db: CortexDatabase,
  completed: readonly Lookup[],
  now: Date,
): void {
  const newestByEcosystem = new Map<string, string | null>();
  for (const lookup of completed) {
    let newest = newestByEcosystem.get(lookup.query.ecosystem) ?? null;
    for (const summary of lookup.summaries) newest = newerTimestamp(newest, summary.modified);
    newestByEcosystem.set(lookup.query.ecosystem, newest);
  }
  for (const [ecosystem, newest] of newestByEcosystem) {
    markDataRefreshed(db, ecosystem, "osv-api", now, newest);
  }
}

function uniqueIds(lookup: Lookup): string[] {
  return [...new Set(lookup.summaries.map((summary) => summary.id))];
}

function uncheckedPackage(query: OsvPackageQuery, reason: string): UncheckedPackage {
  return { sourceName: query.name, sourceVersion: query.version, reason };
}
