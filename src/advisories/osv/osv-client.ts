import { z } from "zod";
import { isHttpRequestError } from "../../platform/http/http-request-error.ts";
import type { JsonHttpClient } from "../../platform/http/json-http-client.ts";

/** One OSV lookup: a source package at a source version in one ecosystem. */
export interface OsvPackageQuery {
  /** `Debian:12`, `Ubuntu:22.04:LTS`. */
  ecosystem: string;
  /** Source package name: Debian and Ubuntu records name source packages. */
  name: string;
  version: string;
}

/** An id that querybatch returned, with the record's `modified` timestamp when it was given. */
export interface OsvVulnerabilitySummary {
  id: string;
  modified: string | null;
}

/** The outcome of one lookup: a value, or why it failed, in words fit for `UncheckedPackage.reason`. */
export type OsvOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; reason: string; notFound: boolean };

/** Maximum number of queries in one `POST /v1/querybatch` (OSV API documentation). */
export const MAX_QUERIES_PER_BATCH = 1000;

/**
 * Pages followed for one query before giving up. Pages contain about 1,000 ids, so this
 * allows some 100,000 ids per package: far more than any package has, but a bound
 * when a server keeps returning tokens.
 */
const MAX_PAGES = 100;

const summarySchema = z.looseObject({ id: z.string().min(1), modified: z.string().optional() });
const batchResultSchema = z.looseObject({
  vulns: z.array(summarySchema).optional(),
  next_page_token: z.string().min(1).optional(),
});
const batchResponseSchema = z.looseObject({ results: z.array(batchResultSchema) });
const queryResponseSchema = z.looseObject({
  vulns: z.array(z.unknown()).optional(),
  next_page_token: z.string().min(1).optional(),
});

/** Progress of one querybatch query across pages. */
interface BatchQueryState {
  query: OsvPackageQuery;
  summaries: OsvVulnerabilitySummary[];
  /** Token of the next page to ask for; undefined once the last page arrived. */
  pageToken?: string;
  failure: string | null;
}

/** Client of the OSV API v1 (https://google.github.io/osv.dev/api/). */
export class OsvClient {
  constructor(
    private readonly http: JsonHttpClient,
    /** Base URL without a trailing `/v1`: `https://api.osv.dev` or a mock's. */
    private readonly baseUrl: string,
  ) {}

  /**
   * Sends `queries` with `POST /v1/querybatch`, at most 1000 per request, and follows
   * each query's `next_page_token` by sending just the queries that have one again
   * with `page_token`. Returns one outcome per query, in input order; a failed request
   * fails every query it carried.
   */
  async queryBatch(
    queries: readonly OsvPackageQuery[],
  ): Promise<OsvOutcome<OsvVulnerabilitySummary[]>[]> {
    const states: BatchQueryState[] = queries.map((query) => ({
      query,
      summaries: [],
      failure: null,
    }));
    let pending = states;

    for (let page = 1; pending.length > 0; page += 1) {
      const next: BatchQueryState[] = [];
      for (let start = 0; start < pending.length; start += MAX_QUERIES_PER_BATCH) {
        const chunk = pending.slice(start, start + MAX_QUERIES_PER_BATCH);
        const response = await this.sendBatch(chunk);
        if (!response.ok) {
          for (const state of chunk) state.failure = response.reason;
          continue;
        }
        chunk.forEach((state, position) => {
          const result = response.value[position];
          if (result === undefined) return;
          state.summaries.push(...result.summaries);
          state.pageToken = result.nextPageToken;
          if (state.pageToken === undefined) return;
          if (page < MAX_PAGES) {
            next.push(state);
            return;
          }
          state.failure = `OSV querybatch returned more than ${MAX_PAGES} pages for ${describe(state.query)}; stopped following its page tokens`;
        });
      }
      pending = next;
    }

    return states.map((state) =>
      state.failure === null
        ? { ok: true, value: state.summaries }
        : { ok: false, reason: state.failure, notFound: false },
    );
  }

  /**
   * Fetches the full records that affect one package version with `POST /v1/query`,
   * following `next_page_token`. The records are returned as parsed JSON, unvalidated.
   */
  async queryPackage(query: OsvPackageQuery): Promise<OsvOutcome<unknown[]>> {
    const records: unknown[] = [];
    let pageToken: string | undefined;
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const body: Record<string, unknown> = {
        package: { ecosystem: query.ecosystem, name: query.name },
        version: query.version,
      };
      if (pageToken !== undefined) body.page_token = pageToken;
      const response = await this.send(
        "POST",
        "/v1/query",
        body,
        `OSV query of ${describe(query)}`,
      );
      if (!response.ok) return response;

      const parsed = queryResponseSchema.safeParse(response.value);
      if (!parsed.success) {
        return failure(
          `OSV query of ${describe(query)} returned a response without a valid vulns list`,
        );
      }
      records.push(...(parsed.data.vulns ?? []));
      pageToken = parsed.data.next_page_token;
      if (pageToken === undefined) return { ok: true, value: records };
    }
    return failure(
      `OSV query of ${describe(query)} returned more than ${MAX_PAGES} pages; stopped following its page tokens`,
    );
  }

  /** Fetches one record with `GET /v1/vulns/{id}`, as parsed JSON, unvalidated. */
  async getVulnerability(id: string): Promise<OsvOutcome<unknown>> {
    return this.send("GET", `/v1/vulns/${encodeURIComponent(id)}`, undefined, `OSV record ${id}`);
  }

  private async sendBatch(
    states: readonly BatchQueryState[],
  ): Promise<OsvOutcome<{ summaries: OsvVulnerabilitySummary[]; nextPageToken?: string }[]>> {
    const queries = states.map((state) => state.query);
    const body = {
      queries: states.map(({ query, pageToken }) => ({
        package: { ecosystem: query.ecosystem, name: query.name },
        version: query.version,
        ...(pageToken === undefined ? {} : { page_token: pageToken }),
      })),
    };
    const label = `OSV querybatch of ${queries.length} ${queries.length === 1 ? "package" : "packages"}`;
    const response = await this.send("POST", "/v1/querybatch", body, label);
    if (!response.ok) return response;

    const parsed = batchResponseSchema.safeParse(response.value);
    if (!parsed.success || parsed.data.results.length !== queries.length) {
      const got = parsed.success
        ? `${parsed.data.results.length} results`
        : "no valid results list";
      return failure(`${label} returned ${got} for ${queries.length} queries`);
    }
    return {
      ok: true,
      value: parsed.data.results.map((result) => ({
        summaries: (result.vulns ?? []).map((vuln) => ({
          id: vuln.id,
          modified: vuln.modified ?? null,
        })),
        nextPageToken: result.next_page_token,
      })),
    };
  }

  private async send(
    method: "GET" | "POST",
    path: string,
    body: unknown,
    label: string,
  ): Promise<OsvOutcome<unknown>> {
    try {
      const response = await this.http.request({
        method,
        url: `${this.baseUrl}${path}`,
        body,
        label,
      });
      return { ok: true, value: response.body };
    } catch (error) {
      if (!isHttpRequestError(error)) throw error;
      return { ok: false, reason: error.message, notFound: error.status === 404 };
    }
  }
}

function describe(query: OsvPackageQuery): string {
  return `${query.name} ${query.version} (${query.ecosystem})`;
}

function failure(reason: string): { ok: false; reason: string; notFound: false } {
  return { ok: false, reason, notFound: false };
}
