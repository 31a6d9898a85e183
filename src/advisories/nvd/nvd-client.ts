import { z } from "zod";
import type { JsonHttpClient } from "../../platform/http/json-http-client.ts";

/**
 * Requests allowed per rolling 30-second window by the NVD CVE API 2.0: 5 without
 * an API key and 50 with one (NVD developer documentation, "Rate Limits").
 */
export const NVD_WINDOW_MS = 30_000;
export const NVD_REQUESTS_PER_WINDOW_WITHOUT_KEY = 5;
export const NVD_REQUESTS_PER_WINDOW_WITH_KEY = 50;

/** NVD's result for one CVE id: its `cve` object, or null when NVD has no such CVE. */
export interface NvdLookup {
  cve: unknown | null;
}

/** A 2xx response of the NVD API that is not a CVE API 2.0 result for the requested id. */
export class NvdResponseError extends Error {
  override name = "NvdResponseError";
}

const responseSchema = z.looseObject({
  totalResults: z.number().int().nonnegative(),
  vulnerabilities: z.array(z.looseObject({ cve: z.looseObject({ id: z.string() }) })).optional(),
});

/** Client of the NVD CVE API 2.0 (`GET {nvdUrl}?cveId=CVE-…`). */
export class NvdClient {
  constructor(
    private readonly http: JsonHttpClient,
    /** The full endpoint: `https://services.nvd.nist.gov/rest/json/cves/2.0` or a mock's. */
    private readonly endpoint: string,
    /** Sent as the `apiKey` header; never logged. */
    private readonly apiKey: string | null,
  ) {}

  /**
   * Looks up one CVE id. `totalResults: 0` means NVD has no such CVE.
   *
   * @throws {HttpRequestError} when the request fails after its retries.
   * @throws {NvdResponseError} when the response is not an NVD CVE API 2.0 result for this id.
   */
  async lookUp(cveId: string, signal?: AbortSignal): Promise<NvdLookup> {
    const url = new URL(this.endpoint);
    url.searchParams.set("cveId", cveId);
    const response = await this.http.request({
      method: "GET",
      url: url.toString(),
      headers: this.apiKey === null ? {} : { apiKey: this.apiKey },
      label: `NVD lookup of ${cveId}`,
      signal,
    });

    const parsed = responseSchema.safeParse(response.body);
    if (!parsed.success) {
      throw new NvdResponseError(
        `NVD lookup of ${cveId} (${url}) returned a body without totalResults; it is not an NVD CVE API 2.0 response, so check nvdUrl`,
      );
    }
    if (parsed.data.totalResults === 0) return { cve: null };
    const match = parsed.data.vulnerabilities?.find(
      (entry) => entry.cve.id.toUpperCase() === cveId.toUpperCase(),
    );
    if (match === undefined) {
      throw new NvdResponseError(
        `NVD lookup of ${cveId} (${url}) returned ${parsed.data.totalResults} results, none for ${cveId}`,
      );
    }
    return { cve: match.cve };
  }
}
