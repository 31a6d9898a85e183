import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { HttpRequestError } from "../../../src/platform/http/http-request-error.ts";
import {
  createJsonHttpClient,
  type JsonHttpClient,
} from "../../../src/platform/http/json-http-client.ts";
import { createMemoryLogger } from "../../../src/platform/logger.ts";
import type { MockAdvisoryServer } from "../../mock-server/mock-advisory-server.ts";
import { startRecordedMock } from "../../mock-server/start-recorded-mock.ts";

const RECORD_ID = "DLA-3008-1";

let mock: MockAdvisoryServer;
let sleeps: number[];
let client: JsonHttpClient;
let log: ReturnType<typeof createMemoryLogger>;

beforeEach(() => {
  mock = startRecordedMock();
  sleeps = [];
  log = createMemoryLogger();
  client = makeClient();
});

afterEach(async () => {
  await mock.stop();
});

function makeClient(timeoutMs = 2000): JsonHttpClient {
  return createJsonHttpClient({
    fetch,
    timeoutMs,
    retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 30_000, jitter: true },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => new Date("2026-12-04T12:00:00Z"),
    log,
  });
}

function getRecord(id = RECORD_ID) {
  return client.request({
    method: "GET",
    url: `${mock.osvUrl}/v1/vulns/${id}`,
    label: `OSV record ${id}`,
  });
}

async function rejection(promise: Promise<unknown>): Promise<HttpRequestError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HttpRequestError);
    return error as HttpRequestError;
  }
  throw new Error("expected the request to fail");
}

const VULNS_PATH = /^\/v1\/vulns\//;

describe("createJsonHttpClient", () => {
  test("returns parsed body on success", async () => {
    const response = await getRecord();
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(1);
    expect((response.body as { id: string }).id).toBe(RECORD_ID);
    expect(mock.requests).toHaveLength(1);
  });

  test("sends JSON body with content type", async () => {
    await client.request({
      method: "POST",
      url: `${mock.osvUrl}/v1/querybatch`,
      body: { queries: [{ package: { ecosystem: "Debian:9", name: "openssl" }, version: "1" }] },
      label: "OSV querybatch",
    });
    expect(mock.requests[0]?.headers["content-type"]).toBe("application/json");
    expect(mock.requests[0]?.body).toEqual({
      queries: [{ package: { ecosystem: "Debian:9", name: "openssl" }, version: "1" }],
    });
  });

  test("retries 500 then succeeds", async () => {
    mock.addFault({ path: VULNS_PATH, times: 2, fault: { kind: "status", status: 500 } });
    const response = await getRecord();
    expect(response.attempts).toBe(3);
    expect(mock.requests).toHaveLength(3);
    expect(log.lines.filter((line) => line.includes("retrying"))).toHaveLength(2);
  });

  test("retries 503 then succeeds", async () => {
    mock.addFault({ path: VULNS_PATH, times: 1, fault: { kind: "status", status: 503 } });
    expect((await getRecord()).attempts).toBe(2);
  });

  test("429 honours Retry-After seconds", async () => {
    mock.addFault({
      path: VULNS_PATH,
      times: 1,
      fault: { kind: "status", status: 429, retryAfter: "7" },
    });
    const response = await getRecord();
    expect(response.attempts).toBe(2);
    expect(sleeps).toHaveLength(1);
    // p-retry waits its own backoff (1 to 2 ms here) after the callback; the client sleeps the rest.
    expect(sleeps[0]).toBeGreaterThanOrEqual(6998);
    expect(sleeps[0]).toBeLessThanOrEqual(6999);
  });

  test("429 honours Retry-After date", async () => {
    mock.addFault({
      path: VULNS_PATH,
      times: 1,
      fault: { kind: "status", status: 429, retryAfter: "Fri, 04 Dec 2026 12:00:05 GMT" },
    });
    await getRecord();
    expect(sleeps[0]).toBeGreaterThanOrEqual(4998);
    expect(sleeps[0]).toBeLessThanOrEqual(4999);
  });

  test("429 caps a long Retry-After", async () => {
    mock.addFault({
      path: VULNS_PATH,
      times: 1,
      fault: { kind: "status", status: 429, retryAfter: "86400" },
    });
    await getRecord();
    expect(sleeps[0]).toBeLessThanOrEqual(30_000);
    expect(sleeps[0]).toBeGreaterThan(29_990);
  });

  test("429 without Retry-After uses backoff", async () => {
    mock.addFault({ path: VULNS_PATH, times: 1, fault: { kind: "status", status: 429 } });
    const response = await getRecord();
    expect(response.attempts).toBe(2);
    expect(sleeps).toHaveLength(0);
  });

  test("404 is not retried", async () => {
    const error = await rejection(getRecord("DLA-0000-0"));
    expect(error.status).toBe(404);
    expect(error.attempts).toBe(1);
    expect(mock.requests).toHaveLength(1);
    expect(error.message).toContain(`GET ${mock.osvUrl}/v1/vulns/DLA-0000-0`);
    expect(error.message).toContain("HTTP 404");
    expect(error.message).toContain("after 1 attempt:");
  });

  test("400 is not retried", async () => {
    mock.addFault({ path: VULNS_PATH, fault: { kind: "status", status: 400 } });
    const error = await rejection(getRecord());
    expect(error.status).toBe(400);
    expect(mock.requests).toHaveLength(1);
  });

  test("gives up after all retries", async () => {
    mock.addFault({ path: VULNS_PATH, fault: { kind: "status", status: 503 } });
    const error = await rejection(getRecord());
    expect(error.attempts).toBe(4);
    expect(error.status).toBe(503);
    expect(mock.requests).toHaveLength(4);
    expect(error.message).toContain(
      `OSV record ${RECORD_ID} (GET ${mock.osvUrl}/v1/vulns/${RECORD_ID})`,
    );
    expect(error.message).toContain("failed after 4 attempts: HTTP 503");
  });

  test("hung connection times out and retries", async () => {
    client = makeClient(200);
    mock.addFault({ path: VULNS_PATH, times: 1, fault: { kind: "hang" } });
    const response = await getRecord();
    expect(response.attempts).toBe(2);
    expect(log.lines[0]).toContain("no response within 200 ms");
  });

  test("hung connection fails after retries", async () => {
    client = makeClient(100);
    mock.addFault({ path: VULNS_PATH, fault: { kind: "hang" } });
    const error = await rejection(getRecord());
    expect(error.status).toBeNull();
    expect(error.attempts).toBe(4);
    expect(error.message).toContain("no response within 100 ms");
  });

  test("truncated body is retried", async () => {
    mock.addFault({ path: VULNS_PATH, times: 1, fault: { kind: "truncate" } });
    const response = await getRecord();
    expect(response.attempts).toBe(2);
    expect(log.lines[0]).toContain("body was cut off");
    expect((response.body as { id: string }).id).toBe(RECORD_ID);
  });

  test("oversized body fails unretried", async () => {
    const small = createJsonHttpClient({ fetch, timeoutMs: 2000, maxBodyBytes: 100, log });
    const error = await rejection(
      small.request({ method: "GET", url: `${mock.osvUrl}/v1/vulns/${RECORD_ID}`, label: "OSV" }),
    );
    expect(error.message).toContain("larger than 100 bytes");
    expect(error.attempts).toBe(1);
  });

  test("endless body stops at the default limit", async () => {
    // A body of 1 MiB chunks without Content-Length that never ends, as a broken proxy may send.
    const endlessFetch = (async () => {
      const chunk = new Uint8Array(1024 * 1024).fill(0x20);
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(chunk);
        },
      });
      return new Response(body, { headers: { "content-type": "application/json" } });
    }) as unknown as typeof fetch;
    const endless = createJsonHttpClient({ fetch: endlessFetch, timeoutMs: 20_000, log });

    const error = await rejection(
      endless.request({ method: "GET", url: "http://127.0.0.1:1/v1/vulns/X", label: "OSV" }),
    );

    expect(error.message).toContain("larger than 67108864 bytes");
  });

  test("invalid JSON is retried", async () => {
    mock.addFault({ path: VULNS_PATH, times: 2, fault: { kind: "invalid-json" } });
    const response = await getRecord();
    expect(response.attempts).toBe(3);
    expect(log.lines[0]).toContain("not valid JSON");
  });

  test("connection refused is retried then fails", async () => {
    const url = mock.osvUrl;
    await mock.stop();
    const error = await rejection(
      client.request({ method: "GET", url: `${url}/v1/vulns/X`, label: "OSV record X" }),
    );
    expect(error.attempts).toBe(4);
    expect(error.status).toBeNull();
    expect(error.message).toContain("network error");
    mock = startRecordedMock();
  });

  test("aborted signal stops retries", async () => {
    mock.addFault({ path: VULNS_PATH, fault: { kind: "hang" } });
    client = makeClient(5000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("time budget used up")), 100);
    const error = await rejection(
      client.request({
        method: "GET",
        url: `${mock.osvUrl}/v1/vulns/${RECORD_ID}`,
        label: "OSV record",
        signal: controller.signal,
      }),
    );
    expect(error.message).toContain("cancelled");
    expect(error.message).toContain("time budget used up");
    expect(mock.requests).toHaveLength(1);
  });
});
