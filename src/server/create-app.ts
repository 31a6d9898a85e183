import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { scanToJson } from "../cli/render/scan-json.ts";
import type { Logger } from "../platform/logger.ts";
import { countBySeverity } from "../scan/count-by-severity.ts";
import { bearerAuth } from "./bearer-auth.ts";
import {
  checkParameters,
  InvalidQueryError,
  parseHistoryQuery,
  parseVulnerabilityQuery,
} from "./query-parameters.ts";
import { METRICS_CONTENT_TYPE, renderMetrics } from "./render-metrics.ts";
import { buildStatusReport } from "./status-report.ts";
import type { StatusSources } from "./status-sources.ts";

export interface StatusAppOptions {
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  now: () => Date;
  /** Days after which advisory data counts as stale (`maxDataAgeDays` of config.json). */
  maxDataAgeDays: number;
  /** Receives one line per request that failed with a server error. */
  log?: Logger;
}

/** Paths the server serves, all read-only. */
export const STATUS_PATHS = ["/healthz", "/status", "/vulnerabilities", "/history", "/metrics"];

const ALLOWED_METHODS = "GET, HEAD";

/**
 * Creates the read-only status API over `sources`. It runs no scan and writes
 * nothing. Every response is JSON except `/metrics`, and every error is
 * `{ "error": message }`.
 */
export function createStatusApp(sources: StatusSources, options: StatusAppOptions): Hono {
  const app = new Hono();

  app.use("*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
    c.header("X-Content-Type-Options", "nosniff");
  });
  // Hono runs the GET handler for a HEAD request and drops the body, so Bun would send
  // `Content-Length: 0`. RFC 9110 section 8.6 allows only the length of the GET's body.
  app.use("*", async (c, next) => {
    await next();
    if (c.req.method !== "HEAD") return;
    const body = await c.res.clone().arrayBuffer();
    c.header("Content-Length", String(body.byteLength));
  });
  if (options.token !== undefined) app.use("*", bearerAuth(options.token));

  app.get("/healthz", (c) => {
    checkParameters(queryOf(c.req.url), []);
    return c.json({ status: "ok" });
  });

  app.get("/status", async (c) => {
    checkParameters(queryOf(c.req.url), []);
    const [latestScan, dataFreshness, schedules, lastPatchRun, rebootStatus] = await Promise.all([
      sources.latestScan(),
      sources.dataFreshness(),
      sources.schedules(),
      sources.lastPatchRun(),
      sources.rebootStatus(),
    ]);
    const snapshot = { latestScan, dataFreshness, schedules, lastPatchRun, rebootStatus };
    return c.json(buildStatusReport(snapshot, options.now(), options.maxDataAgeDays));
  });

  app.get("/vulnerabilities", async (c) => {
    const query = parseVulnerabilityQuery(queryOf(c.req.url));
    const scan = await sources.latestScan();
    if (scan === null) {
      const error =
        "no full scan of this host (/) is recorded, and scans made with --root or --package are not served: run cortex security scan without those options";
      return c.json({ error }, 404);
    }
    const findings = scan.findings.filter(
      (finding) =>
        (query.severities === null || query.severities.has(finding.severity)) &&
        (query.packageName === null ||
          finding.package === query.packageName ||
          finding.sourcePackage === query.packageName),
    );
    const document = scanToJson(scan, {
      now: options.now(),
      maxDataAgeDays: options.maxDataAgeDays,
      findings,
      counts: countBySeverity(findings),
    });
    return c.json(document);
  });

  app.get("/history", async (c) => {
    const { limit } = parseHistoryQuery(queryOf(c.req.url));
    const entries = await sources.history(limit);
    return c.json({ limit, entries });
  });

  app.get("/metrics", async (c) => {
    checkParameters(queryOf(c.req.url), []);
    const [latestScan, dataFreshness, patchRunCounts, rebootStatus] = await Promise.all([
      sources.latestScan(),
      sources.dataFreshness(),
      sources.patchRunCounts(),
      sources.rebootStatus(),
    ]);
    const rebootPending = rebootStatus.pending;
    const snapshot = { latestScan, dataFreshness, patchRunCounts, rebootPending };
    return c.body(renderMetrics(snapshot, options.now()), 200, {
      "Content-Type": METRICS_CONTENT_TYPE,
    });
  });

  // GET handlers also handle HEAD, and any other method on a known path gets 405.
  for (const path of STATUS_PATHS) {
    app.all(path, (c) => {
      c.header("Allow", ALLOWED_METHODS);
      return c.json(
        { error: `method ${c.req.method} is not allowed on ${path}: use ${ALLOWED_METHODS}` },
        405,
      );
    });
  }

  app.notFound((c) => {
    const path = c.req.path.length <= 100 ? c.req.path : `${c.req.path.slice(0, 100)}…`;
    return c.json({ error: `path not found: ${path}: use one of ${STATUS_PATHS.join(", ")}` }, 404);
  });

  app.onError((error, c) => {
    if (error instanceof InvalidQueryError) return c.json({ error: error.message }, 400);
    if (error instanceof HTTPException && error.status < 500) {
      return c.json({ error: error.message }, error.status);
    }
    options.log?.error(`failed to answer ${c.req.method} ${c.req.path}: ${error.message}`);
    return c.json({ error: `failed to answer ${c.req.path}: ${error.message}` }, 500);
  });

  return app;
}

function queryOf(url: string): URLSearchParams {
  return new URL(url).searchParams;
}
