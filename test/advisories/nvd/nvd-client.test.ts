import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { NvdClient, NvdResponseError } from "../../../src/advisories/nvd/nvd-client.ts";
import { createJsonHttpClient } from "../../../src/platform/http/json-http-client.ts";
import type { MockAdvisoryServer } from "../../mock-server/mock-advisory-server.ts";
import { startRecordedMock } from "../../mock-server/start-recorded-mock.ts";

let mock: MockAdvisoryServer;

beforeEach(() => {
  mock = startRecordedMock();
});

afterEach(async () => {
  await mock.stop();
});

function client(apiKey: string | null = null): NvdClient {
  const http = createJsonHttpClient({
    fetch,
    timeoutMs: 2000,
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 },
  });
  return new NvdClient(http, mock.nvdUrl, apiKey);
}

describe("NvdClient", () => {
  test("returns the cve object of a known id", async () => {
    const { cve } = await client().lookUp("CVE-2022-0778");
    expect((cve as { id: string }).id).toBe("CVE-2022-0778");
    expect(mock.requests[0]?.search).toBe("cveId=CVE-2022-0778");
  });

  test("returns null for totalResults 0", async () => {
    const { cve } = await client().lookUp("CVE-1999-99999");
    expect(cve).toBeNull();
  });

  test("sends apiKey header only with a key", async () => {
    await client().lookUp("CVE-2022-0778");
    await client("secret-key").lookUp("CVE-2022-0778");
    expect(mock.requests[0]?.headers.apikey).toBeUndefined();
    expect(mock.requests[1]?.headers.apikey).toBe("secret-key");
  });

  test("rejects a body without totalResults", async () => {
    const broken = new NvdClient(
      createJsonHttpClient({
        fetch: (async () => Response.json({ message: "maintenance" })) as unknown as typeof fetch,
        timeoutMs: 1000,
      }),
      "http://127.0.0.1:9/nvd",
      null,
    );
    await expect(broken.lookUp("CVE-2022-0778")).rejects.toBeInstanceOf(NvdResponseError);
  });
});
