import { type Context, Hono } from "hono";
import type { OsvMockData, VulnerabilitySummary } from "./osv-mock-data.ts";

/**
 * A misbehaviour the mock can inject into matching requests:
 * - `status`: respond with this HTTP status (and `Retry-After` when given) instead.
 * - `hang`: accept the request and never respond, until the server stops.
 * - `truncate`: send the headers and half of the real body, then drop the connection.
 * - `invalid-json`: respond 200 with a body that is not JSON.
 */
export type Fault =
  | { kind: "status"; status: number; retryAfter?: string; body?: string }
  | { kind: "hang" }
  | { kind: "truncate" }
  | { kind: "invalid-json" };

export interface FaultRule {
  method?: "GET" | "POST";
  /** Matched against the request path: exactly for a string, by `test` for a RegExp. */
  path: string | RegExp;
  /** How many matching requests get the fault; all of them when absent. */
  times?: number;
  fault: Fault;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** Query string without the `?`. */
  search: string;
  /** Parsed JSON body of a POST, else null. */
  body: unknown;
  headers: Record<string, string>;
}

export interface MockAdvisoryServerOptions {
  osv: OsvMockData;
  /** NVD CVE API 2.0 `cve` objects by CVE id; an unknown id gets `totalResults: 0`. */
  nvd?: Map<string, unknown>;
  /** Delay added before every response, in milliseconds. */
  latencyMs?: number;
  /** Splits every id list into pages of this size, linked by `next_page_token`. */
  pageSize?: number | null;
}

export interface MockAdvisoryServer {
  /** Base URL to pass as `osvUrl` (the client appends `/v1/...`). */
  osvUrl: string;
  /** Full NVD endpoint to pass as `nvdUrl` (the client appends `?cveId=`). */
  nvdUrl: string;
  /** Every request received, in arrival order. */
  requests: LoggedRequest[];
  /** Maximum number of requests handled at the same time. */
  peakInFlight(): number;
  /** Requests whose path starts with `prefix`. */
  requestsTo(prefix: string): LoggedRequest[];
  addFault(rule: FaultRule): void;
  setLatency(ms: number): void;
  setPageSize(size: number | null): void;
  /** Makes `GET /v1/vulns/{id}` return 404 and leaves the id out of `/v1/query`, while querybatch still lists it. */
  removeRecord(id: string): void;
  /** Serves `value` as the record with this id. */
  replaceRecord(id: string, value: unknown): void;
  stop(): Promise<void>;
}

const MAX_BATCH_QUERIES = 1000;
const NVD_PATH = "/nvd/rest/json/cves/2.0";

/** Starts the OSV and NVD mock on 127.0.0.1 at a free port. */
export function startMockAdvisoryServer(options: MockAdvisoryServerOptions): MockAdvisoryServer {
  const requests: LoggedRequest[] = [];
  const faults: (FaultRule & { used: number })[] = [];
  const removed = new Set<string>();
  const replaced = new Map<string, string>();
  const hanging = new Set<() => void>();
  let latencyMs = options.latencyMs ?? 0;
  let pageSize = options.pageSize ?? null;
  let inFlight = 0;
  let peak = 0;

  const recordText = (id: string): string | undefined => {
    if (removed.has(id)) return undefined;
    return replaced.get(id) ?? options.osv.recordText(id);
  };

  const app = new Hono();
  app.use(async (c, next) => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    try {
      requests.push(await logRequest(c));
      if (latencyMs > 0) await Bun.sleep(latencyMs);
      const rule = takeFault(faults, c.req.method, c.req.path);
      if (rule === null) return await next();
      if (rule.fault.kind !== "truncate") return await faultResponse(rule.fault, hanging);
      await next();
      const full = new Uint8Array(await c.res.clone().arrayBuffer());
      // Clear the handler's response first, so that Hono does not merge its headers into the new one.
      c.res = undefined;
      c.res = truncatedResponse(full.slice(0, Math.floor(full.length / 2)));
    } finally {
      inFlight -= 1;
    }
  });

  app.post("/v1/querybatch", async (c) => {
    const { queries } = (await c.req.json()) as { queries?: BatchQuery[] };
    if (!Array.isArray(queries) || queries.length > MAX_BATCH_QUERIES) {
      return c.json({ code: 3, message: `expected 1 to ${MAX_BATCH_QUERIES} queries` }, 400);
    }
    const results = queries.map((query) => {
      const { ecosystem, name } = query.package ?? {};
      const summaries = options.osv.vulnerabilities(
        ecosystem ?? "",
        name ?? "",
        query.version ?? "",
      );
      return pageOf(summaries, query.page_token, pageSize, (items) => ({ vulns: items }));
    });
    return c.json({ results });
  });

  app.post("/v1/query", async (c) => {
    const query = (await c.req.json()) as BatchQuery;
    const { ecosystem, name } = query.package ?? {};
    const summaries = options.osv.vulnerabilities(ecosystem ?? "", name ?? "", query.version ?? "");
    const page = pageOf(summaries, query.page_token, pageSize, (items) => ({ vulns: items }));
    const texts = (page.vulns ?? [])
      .map((summary) => recordText(summary.id))
      .filter((text) => text !== undefined);
    const token =
      page.next_page_token === undefined ? "" : `,"next_page_token":"${page.next_page_token}"`;
    return c.body(`{"vulns":[${texts.join(",")}]${token}}`, 200, {
      "content-type": "application/json",
    });
  });

  app.get("/v1/vulns/:id", (c) => {
    const text = recordText(c.req.param("id"));
    if (text === undefined) return c.json({ code: 5, message: "Bug not found." }, 404);
    return c.body(text, 200, { "content-type": "application/json" });
  });

  app.get(NVD_PATH, (c) => {
    const cveId = c.req.query("cveId") ?? "";
    const cve = options.nvd?.get(cveId);
    return c.json(nvdResponse(cve));
  });

  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
  const base = `http://127.0.0.1:${server.port}`;

  return {
    osvUrl: base,
    nvdUrl: `${base}${NVD_PATH}`,
    requests,
    peakInFlight: () => peak,
    requestsTo: (prefix) => requests.filter((request) => request.path.startsWith(prefix)),
    addFault: (rule) => faults.push({ ...rule, used: 0 }),
    setLatency: (ms) => {
      latencyMs = ms;
    },
    setPageSize: (size) => {
      pageSize = size;
    },
    removeRecord: (id) => removed.add(id),
    replaceRecord: (id, value) => replaced.set(id, JSON.stringify(value)),
    async stop() {
      for (const release of hanging) release();
      await server.stop(true);
    },
  };
}

interface BatchQuery {
  package?: { ecosystem?: string; name?: string };
  version?: string;
  page_token?: string;
}

/** Returns one page of `summaries`, whose `next_page_token` encodes the offset of the next page. */
function pageOf<T extends object>(
  summaries: VulnerabilitySummary[],
  pageToken: string | undefined,
  pageSize: number | null,
  wrap: (items: VulnerabilitySummary[]) => T,
): Partial<T> & { next_page_token?: string } {
  const offset = pageToken === undefined ? 0 : Number(atob(pageToken));
  const end = pageSize === null ? summaries.length : offset + pageSize;
  const items = summaries.slice(offset, end);
  // The live API sends `{}` for a query without results.
  const page: Partial<T> & { next_page_token?: string } = items.length > 0 ? wrap(items) : {};
  if (end < summaries.length) page.next_page_token = btoa(String(end));
  return page;
}

function nvdResponse(cve: unknown): Record<string, unknown> {
  const envelope = {
    resultsPerPage: cve === undefined ? 0 : 1,
    startIndex: 0,
    totalResults: cve === undefined ? 0 : 1,
    format: "NVD_CVE",
    version: "2.0",
    timestamp: "2026-12-04T00:00:00.000",
  };
  return cve === undefined ? envelope : { ...envelope, vulnerabilities: [{ cve }] };
}

async function logRequest(c: Context): Promise<LoggedRequest> {
  const url = new URL(c.req.url);
  let body: unknown = null;
  if (c.req.method === "POST") {
    try {
      body = await c.req.json();
    } catch {
      body = null;
    }
  }
  return {
    method: c.req.method,
    path: url.pathname,
    search: url.search.slice(1),
    body,
    headers: Object.fromEntries(c.req.raw.headers),
  };
}

function takeFault(
  faults: (FaultRule & { used: number })[],
  method: string,
  path: string,
): FaultRule | null {
  for (const rule of faults) {
    if (rule.method !== undefined && rule.method !== method) continue;
    const matches = typeof rule.path === "string" ? rule.path === path : rule.path.test(path);
    if (!matches || rule.used >= (rule.times ?? Number.POSITIVE_INFINITY)) continue;
    rule.used += 1;
    return rule;
  }
  return null;
}

function faultResponse(
  fault: Exclude<Fault, { kind: "truncate" }>,
  hanging: Set<() => void>,
): Response | Promise<Response> {
  switch (fault.kind) {
    case "status": {
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
      return new Response(fault.body ?? `{"code":14,"message":"injected HTTP ${fault.status}"}`, {
        status: fault.status,
        headers,
      });
    }
    case "hang":
      return new Promise<Response>((resolve) => {
        const release = () => resolve(new Response("server stopped", { status: 503 }));
        hanging.add(release);
      });
    case "invalid-json":
      return new Response("<html>upstream proxy error</html>", {
        headers: { "content-type": "application/json" },
      });
  }
}

/**
 * Sends the status line, the headers and `part` as one chunk, then drops the
 * connection without the final chunk, so the client sees the body end early.
 */
function truncatedResponse(part: Uint8Array): Response {
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      pulls += 1;
      if (pulls === 1) {
        controller.enqueue(part);
        return;
      }
      await Bun.sleep(20);
      // Erroring the stream makes Bun close the socket mid-body.
      controller.error();
    },
  });
  return new Response(stream, { headers: { "content-type": "application/json" } });
}
