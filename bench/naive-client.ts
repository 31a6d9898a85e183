import type { OsvPackageQuery } from "../src/advisories/osv/osv-client.ts";

/** Record ids per query key found by the naive client, and the number of requests it sent. */
export interface NaiveScanResult {
  idsByQuery: Map<string, string[]>;
  requests: number;
}

/**
 * Looks up every query the way the benchmark's baseline does: one `POST /v1/query`
 * per source package, in sequence, following `next_page_token`, with no batching, no
 * concurrency, no cache and no retries. Each response carries the full records.
 */
export async function naiveScan(
  queries: readonly OsvPackageQuery[],
  osvUrl: string,
  fetchFn: typeof fetch,
): Promise<NaiveScanResult> {
  const idsByQuery = new Map<string, string[]>();
  let requests = 0;
  for (const query of queries) {
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const body: Record<string, unknown> = {
        package: { ecosystem: query.ecosystem, name: query.name },
        version: query.version,
      };
      if (pageToken !== undefined) body.page_token = pageToken;
      requests += 1;
      const response = await fetchFn(`${osvUrl}/v1/query`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok) {
        throw new Error(
          `naive client: POST /v1/query for ${query.name} returned HTTP ${response.status}`,
        );
      }
      const page = (await response.json()) as {
        vulns?: { id: string }[];
        next_page_token?: string;
      };
      ids.push(...(page.vulns ?? []).map((record) => record.id));
      pageToken = page.next_page_token;
    } while (pageToken !== undefined);
    idsByQuery.set(`${query.name}\u0000${query.version}`, ids);
  }
  return { idsByQuery, requests };
}
