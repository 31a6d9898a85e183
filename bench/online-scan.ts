// Benchmark of the online OSV lookup against a naive client.
//
//   bun bench/online-scan.ts [--latency-ms 50] [--every-record]
//
// With --every-record the mock lists every record of a package whatever the
// installed version, so that all 5,980 records have to be fetched.
//
// It starts the mock OSV server on 127.0.0.1 with the 5,980 Debian 12 records of
// samples/debian12-changelogs-all.zip and an added latency per request. Then it runs
// each client in its own process on the source packages of the 710-package host in
// test/fixtures/dpkg/debian12-host.status. It prints the requests, wall time and
// peak RSS of each client. Nothing leaves 127.0.0.1.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { refreshFromOsv } from "../src/advisories/online/refresh-from-osv.ts";
import type { OsvPackageQuery } from "../src/advisories/osv/osv-client.ts";
import type { CortexConfig } from "../src/config/cortex-config.ts";
import { parseDpkgStatus } from "../src/inventory/dpkg/parse-dpkg-status.ts";
import { createMemoryLogger } from "../src/platform/logger.ts";
import { openDatabase } from "../src/store/open-database.ts";
import { osvQueryCache } from "../src/store/schema/advisories.ts";
import { startMockAdvisoryServer } from "../test/mock-server/mock-advisory-server.ts";
import { loadZipRecordTexts } from "../test/mock-server/osv-fixtures.ts";
import { computedMockData } from "../test/mock-server/osv-mock-data.ts";
import { naiveScan } from "./naive-client.ts";

const REPOSITORY = join(import.meta.dir, "..");
const RECORDS_ZIP = join(REPOSITORY, "samples", "debian12-changelogs-all.zip");
const STATUS_FILE = join(REPOSITORY, "test", "fixtures", "dpkg", "debian12-host.status");
const ECOSYSTEM = "Debian:12";

type ClientName = "ours" | "naive";

/** Result that one client process prints as its last stdout line. */
interface ClientReport {
  client: ClientName;
  wallMs: number;
  /** Wall time of a second run within the cache lifetime (ours only). */
  cachedWallMs: number | null;
  cachedRequests: number | null;
  unchecked: number;
  peakRssBytes: number;
  /** Sorted record ids per `name version`, to check that both clients agree. */
  idsByPackage: Record<string, string[]>;
}

function sourceQueries(): OsvPackageQuery[] {
  const { packages } = parseDpkgStatus(readFileSync(STATUS_FILE, "utf8"), STATUS_FILE);
  const queries = new Map<string, OsvPackageQuery>();
  for (const pkg of packages) {
    const query = { ecosystem: ECOSYSTEM, name: pkg.sourceName, version: pkg.sourceVersion };
    queries.set(`${query.name} ${query.version}`, query);
  }
  return [...queries.values()];
}

/** Samples the process's resident set size until stopped; returns the maximum seen. */
function trackPeakRss(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  };
}

async function runClient(client: ClientName, osvUrl: string): Promise<ClientReport> {
  const queries = sourceQueries();
  const stopTracking = trackPeakRss();
  if (client === "naive") {
    const started = performance.now();
    const result = await naiveScan(queries, osvUrl, fetch);
    const wallMs = performance.now() - started;
    const idsByPackage: Record<string, string[]> = {};
    for (const [key, ids] of result.idsByQuery)
      idsByPackage[key.replace("\u0000", " ")] = ids.sort();
    return {
      client,
      wallMs,
      cachedWallMs: null,
      cachedRequests: null,
      unchecked: 0,
      peakRssBytes: stopTracking(),
      idsByPackage,
    };
  }

  const dataDir = mkdtempSync(join(tmpdir(), "cortex-bench-"));
  try {
    const db = openDatabase(dataDir);
    const config: CortexConfig = {
      osvUrl,
      nvdUrl: `${osvUrl}/nvd`,
      nvdApiKey: null,
      nvdEnabled: false,
      nvdTimeBudgetSeconds: 0,
      cacheTtlHours: 24,
      maxDataAgeDays: 7,
      requestTimeoutSeconds: 30,
    };
    const deps = {
      db,
      config,
      fetch,
      now: () => new Date(),
      log: createMemoryLogger(),
      refresh: false,
    };
    const started = performance.now();
    const cold = await refreshFromOsv(queries, deps);
    const wallMs = performance.now() - started;
    const warmStarted = performance.now();
    const warm = await refreshFromOsv(queries, deps);
    const cachedWallMs = performance.now() - warmStarted;

    const idsByPackage: Record<string, string[]> = {};
    for (const row of db.select().from(osvQueryCache).all()) {
      idsByPackage[`${row.name} ${row.version}`] = (
        JSON.parse(row.vulnerabilityIdsJson) as string[]
      ).sort();
    }
    db.$client.close();
    return {
      client,
      wallMs,
      cachedWallMs,
      cachedRequests: warm.requests,
      unchecked: cold.unchecked.length,
      peakRssBytes: stopTracking(),
      idsByPackage,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function runChild(client: ClientName, osvUrl: string): Promise<ClientReport> {
  const child = Bun.spawn(
    [process.execPath, import.meta.path, "--child", client, "--osv-url", osvUrl],
    { stdout: "pipe", stderr: "inherit" },
  );
  const output = await new Response(child.stdout).text();
  if ((await child.exited) !== 0) throw new Error(`the ${client} client process failed`);
  return JSON.parse(output.trim().split("\n").at(-1) ?? "") as ClientReport;
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function main(): Promise<void> {
  const child = option("--child") as ClientName | undefined;
  if (child !== undefined) {
    const report = await runClient(child, option("--osv-url") ?? "");
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }

  const latencyMs = Number(option("--latency-ms") ?? "50");
  const everyRecord = process.argv.includes("--every-record");
  const mock = startMockAdvisoryServer({
    osv: computedMockData(loadZipRecordTexts(RECORDS_ZIP), { matchVersions: !everyRecord }),
    latencyMs,
  });
  try {
    const queries = sourceQueries();
    console.log(
      `${queries.length} source packages of ${STATUS_FILE}, ${latencyMs} ms added latency per request\n`,
    );
    const reports: { report: ClientReport; requests: number; cachedRequests: number | null }[] = [];
    for (const client of ["ours", "naive"] as const) {
      const before = mock.requests.length;
      const report = await runChild(client, mock.osvUrl);
      const requests = mock.requests.length - before - (report.cachedRequests ?? 0);
      reports.push({ report, requests, cachedRequests: report.cachedRequests });
    }

    console.log("client          requests   wall time   peak RSS");
    for (const { report, requests } of reports) {
      const name = report.client === "ours" ? "cortex" : "naive /v1/query";
      console.log(
        `${name.padEnd(15)} ${String(requests).padStart(8)} ${`${(report.wallMs / 1000).toFixed(2)} s`.padStart(11)} ${`${(report.peakRssBytes / 2 ** 20).toFixed(0)} MiB`.padStart(10)}`,
      );
    }
    const [ours, naive] = reports.map((entry) => entry.report) as [ClientReport, ClientReport];
    console.log(
      `cortex, cached  ${String(ours.cachedRequests).padStart(8)} ${`${((ours.cachedWallMs ?? 0) / 1000).toFixed(2)} s`.padStart(11)}`,
    );
    console.log(`\nspeed-up: ${(naive.wallMs / ours.wallMs).toFixed(1)}x`);
    const same =
      JSON.stringify(sortKeys(ours.idsByPackage)) === JSON.stringify(sortKeys(naive.idsByPackage));
    const vulnerable = Object.values(ours.idsByPackage).filter((ids) => ids.length > 0).length;
    console.log(
      `both clients found the same ids for every package: ${same ? "yes" : "NO"} (${vulnerable} packages with records, ${ours.unchecked} unchecked)`,
    );
  } finally {
    await mock.stop();
  }
}

function sortKeys(record: Record<string, string[]>): [string, string[]][] {
  const entries = Object.entries(record);
  entries.sort(([a], [b]) => a.localeCompare(b, "en"));
  return entries;
}

await main();
