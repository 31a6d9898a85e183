import type { CortexConfig } from "../../config/cortex-config.ts";
import { isHttpRequestError } from "../../platform/http/http-request-error.ts";
import { createJsonHttpClient, type RetryPolicy } from "../../platform/http/json-http-client.ts";
import { sleep as realSleep, type Sleep } from "../../platform/http/sleep.ts";
import type { Logger } from "../../platform/logger.ts";
import { loadNvdResults, saveNvdResult } from "../../store/nvd-store.ts";
import type { CortexDatabase } from "../../store/open-database.ts";
import {
  NVD_REQUESTS_PER_WINDOW_WITH_KEY,
  NVD_REQUESTS_PER_WINDOW_WITHOUT_KEY,
  NVD_WINDOW_MS,
  NvdClient,
  NvdResponseError,
} from "../nvd/nvd-client.ts";
import { selectPrimaryMetric } from "../nvd/primary-metric.ts";
import { RollingWindowLimiter } from "../nvd/rolling-window-limiter.ts";

export interface NvdFillDeps {
  db: CortexDatabase;
  config: CortexConfig;
  fetch: typeof fetch;
  /** Wall clock for the `fetchedAt` of stored results and for cache freshness. */
  now: () => Date;
  log: Logger;
  /**
   * Seconds the whole fill may take; `config.nvdTimeBudgetSeconds` when absent.
   * `Infinity` waits as long as the rate limit requires (`db update --nvd`).
   */
  timeBudgetSeconds?: number;
  /** Milliseconds on a clock that only moves forward, for the rate limit and the budget. */
  clock?: () => number;
  /** Waits for the rate limit and for `Retry-After`. */
  sleep?: Sleep;
  retry?: Partial<RetryPolicy>;
}

export interface NvdFillResult {
  /** CVE ids whose NVD result was fetched and stored by this call. */
  fetched: number;
  /** CVE ids still without a fresh result, because the budget ran out or NVD failed. */
  pending: string[];
}

const CVE_ID = /^CVE-\d{4}-\d{4,}$/i;

/**
 * Stores NVD's primary CVSS metric for each CVE id without a fresh `nvd_cache` row
 * (fresh: fetched within `cacheTtlHours`). An id NVD does not know is stored as
 * not found. Ids that are not CVE ids are skipped.
 *
 * Requests go one at a time within NVD's rate limit: 5 per rolling 30 seconds, or
 * 50 with an API key, which is sent as the `apiKey` header. The call returns once
 * the time budget would be exceeded, aborting a request in flight, and reports
 * the remaining ids as pending. After a request fails its retries the call stops
 * too, since NVD is then most likely unreachable or refusing this client.
 */
export async function fillNvdRatings(
  cveIds: readonly string[],
  deps: NvdFillDeps,
): Promise<NvdFillResult> {
  const clock = deps.clock ?? (() => performance.now());
  const sleep = deps.sleep ?? realSleep;
  const budgetMs = (deps.timeBudgetSeconds ?? deps.config.nvdTimeBudgetSeconds) * 1000;
  const deadline = clock() + budgetMs;
  const todo = idsWithoutFreshAnswer(cveIds, deps);
  if (todo.length === 0) return { fetched: 0, pending: [] };

  const budget = new AbortController();
  const budgetReason = new Error(
    `the NVD time budget of ${budgetMs / 1000} s (nvdTimeBudgetSeconds) was used up`,
  );
  const timer = Number.isFinite(budgetMs)
    ? setTimeout(() => budget.abort(budgetReason), budgetMs)
    : undefined;
  const limiter = new RollingWindowLimiter(
    deps.config.nvdApiKey === null
      ? NVD_REQUESTS_PER_WINDOW_WITHOUT_KEY
      : NVD_REQUESTS_PER_WINDOW_WITH_KEY,
    NVD_WINDOW_MS,
    clock,
  );

  // Every attempt, retries included, waits for the rate limit, and none starts
  // when that wait would end past the budget.
  const limitedFetch = (async (input, init) => {
    const wait = limiter.delayBeforeNext();
    if (clock() + wait >= deadline) {
      budget.abort(budgetReason);
      throw budgetReason;
    }
    if (wait > 0) await sleep(wait, budget.signal);
    limiter.record();
    return deps.fetch(input, init);
  }) as typeof fetch;

  const http = createJsonHttpClient({
    fetch: limitedFetch,
    timeoutMs: deps.config.requestTimeoutSeconds * 1000,
    retry: deps.retry,
    sleep,
    now: deps.now,
    log: deps.log,
  });
  const client = new NvdClient(http, deps.config.nvdUrl, deps.config.nvdApiKey);

  let fetched = 0;
  try {
    for (const [index, cveId] of todo.entries()) {
      try {
        const { cve } = await client.lookUp(cveId, budget.signal);
        const metric = cve === null ? null : selectPrimaryMetric(cve);
        saveNvdResult(deps.db, cveId, metric, deps.now(), cve !== null);
        fetched += 1;
      } catch (error) {
        if (
          !budget.signal.aborted &&
          !isHttpRequestError(error) &&
          !(error instanceof NvdResponseError)
        ) {
          throw error;
        }
        const pending = todo.slice(index);
        logStop(deps.log, budget.signal.aborted ? budgetReason : error, pending.length);
        return { fetched, pending };
      }
    }
    return { fetched, pending: [] };
  } finally {
    clearTimeout(timer);
  }
}

function idsWithoutFreshAnswer(cveIds: readonly string[], deps: NvdFillDeps): string[] {
  const unique = [...new Set(cveIds.map((id) => id.toUpperCase()))].filter((id) => CVE_ID.test(id));
  const freshSince = deps.now().getTime() - deps.config.cacheTtlHours * 3_600_000;
  const cached = loadNvdResults(deps.db, unique);
  return unique.filter((id) => {
    const result = cached.get(id);
    return result === undefined || result.fetchedAt.getTime() < freshSince;
  });
}

function logStop(log: Logger, error: unknown, pending: number): void {
  const reason = error instanceof Error ? error.message : String(error);
  log.warn(`stopped NVD lookups with ${pending} CVE ids left unrated: ${reason}`);
}
