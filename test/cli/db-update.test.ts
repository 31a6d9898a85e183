import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Finding } from "../../src/scan/finding.ts";
import type { ScanResult } from "../../src/scan/scan-result.ts";
import { emptySeverityCounts } from "../../src/severity/severity.ts";
import { countAdvisories } from "../../src/store/advisory-store.ts";
import { loadNvdResults } from "../../src/store/nvd-store.ts";
import { openDatabase } from "../../src/store/open-database.ts";
import { saveScan } from "../../src/store/scan-store.ts";
import { runCli } from "../helpers/cli-harness.ts";
import type { MockAdvisoryServer } from "../mock-server/mock-advisory-server.ts";
import { startRecordedMock } from "../mock-server/start-recorded-mock.ts";

/** Debian 9 packages whose recorded querybatch responses list the 4 recorded DLA records. */
const DEBIAN_9_STATUS = `Package: dpkg
Status: install ok installed
Architecture: amd64
Version: 1.18.25

Package: libxml2
Status: install ok installed
Architecture: amd64
Version: 2.9.4+dfsg1-2.2+deb9u6

Package: libssl1.1
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 1.1.0l-1~deb9u5

Package: tzdata
Status: install ok installed
Architecture: all
Version: 2021a-0+deb9u3
`;

let mock: MockAdvisoryServer;
let workDir: string;
let root: string;
let dataDir: string;

beforeEach(() => {
  mock = startRecordedMock();
  workDir = mkdtempSync(join(tmpdir(), "cortex-db-update-"));
  root = join(workDir, "root");
  dataDir = join(workDir, "data");
  mkdirSync(join(root, "var/lib/dpkg"), { recursive: true });
  writeFileSync(join(root, "var/lib/dpkg/status"), DEBIAN_9_STATUS);
  mkdirSync(join(workDir, "config"));
});

afterEach(async () => {
  await mock.stop();
  rmSync(workDir, { recursive: true, force: true });
});

function env(): Record<string, string> {
  return {
    CORTEX_OSV_URL: mock.osvUrl,
    CORTEX_NVD_URL: mock.nvdUrl,
    CORTEX_DATA_DIR: dataDir,
    CORTEX_CONFIG_DIR: join(workDir, "config"),
  };
}

function update(...args: string[]) {
  return runCli(["security", "db", "update", ...args], { env: env(), fetch });
}

function finding(overrides: Partial<Finding>): Finding {
  return {
    package: "libssl1.1",
    arch: "amd64",
    installedVersion: "1.1.0l-1~deb9u5",
    sourcePackage: "openssl",
    sourceVersion: "1.1.0l-1~deb9u5",
    vulnerabilityId: "DLA-3008-1",
    aliases: ["CVE-2022-0778"],
    summary: null,
    severity: "unknown",
    severitySource: "none",
    cvssScore: null,
    fixedVersion: null,
    fixStatus: "fixed",
    proFixedVersion: null,
    ecosystem: "Debian:9",
    notes: [],
    ...overrides,
  };
}

function storeScan(findings: Finding[], scanRoot = root): void {
  const db = openDatabase(dataDir);
  const scan: ScanResult = {
    id: null,
    startedAt: new Date("2026-12-01T10:00:00Z"),
    finishedAt: new Date("2026-12-01T10:01:00Z"),
    root: scanRoot,
    ecosystem: "Debian:9",
    mode: "online",
    complete: true,
    packageCount: 4,
    packageFilter: null,
    dataRefreshedAt: null,
    counts: emptySeverityCounts(),
    findings,
    warnings: [],
    unchecked: [],
  };
  saveScan(db, scan);
  db.$client.close();
}

describe("db update", () => {
  test("without a scan says to scan first", async () => {
    const result = await update();
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("run `cortex security scan`");
    expect(mock.requests).toHaveLength(0);
  });

  test("refreshes packages of the latest scan", async () => {
    storeScan([]);
    const result = await update();

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("Refreshed Debian:9: 4 of 4 source packages");
    const body = mock.requestsTo("/v1/querybatch")[0]?.body as {
      queries: { package: { name: string } }[];
    };
    expect(body.queries.map((query) => query.package.name)).toEqual([
      "dpkg",
      "libxml2",
      "openssl",
      "tzdata",
    ]);
    const db = openDatabase(dataDir);
    expect(countAdvisories(db)).toBe(4);
    db.$client.close();
  });

  test("ignores the cache", async () => {
    storeScan([]);
    await update();
    await update();
    expect(mock.requestsTo("/v1/querybatch")).toHaveLength(2);
  });

  test("uses the ecosystem option", async () => {
    storeScan([]);
    await update("--ecosystem", "Debian:10");
    const body = mock.requestsTo("/v1/querybatch")[0]?.body as {
      queries: { package: { ecosystem: string } }[];
    };
    expect(body.queries[0]?.package.ecosystem).toBe("Debian:10");
  });

  test("failed lookup exits 4", async () => {
    storeScan([]);
    mock.addFault({ path: "/v1/querybatch", fault: { kind: "status", status: 400 } });
    const result = await update();
    expect(result.exitCode).toBe(4);
    expect(result.stdout).toContain("0 of 4 source packages");
    expect(result.stderr).toContain("openssl 1.1.0l-1~deb9u5 was not checked");
  });

  test("--nvd rates unknown findings", async () => {
    storeScan([
      finding({}),
      finding({ vulnerabilityId: "CVE-2023-0286", aliases: [] }),
      finding({ vulnerabilityId: "DLA-3012-1", aliases: ["CVE-2024-0727"], severity: "high" }),
    ]);
    const result = await update("--nvd");

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("NVD: 2 CVE ids fetched, 0 already cached, 0 still pending");
    expect(mock.requestsTo("/nvd/").map((request) => request.search)).toEqual([
      "cveId=CVE-2022-0778",
      "cveId=CVE-2023-0286",
    ]);
    const db = openDatabase(dataDir);
    expect(loadNvdResults(db, ["CVE-2022-0778"]).get("CVE-2022-0778")?.metric?.baseScore).toBe(7.5);
    db.$client.close();
  });

  test("--nvd looks up upstream CVE ids", async () => {
    // Real DLA records name their CVE in `upstream`, not in `aliases`.
    storeScan([finding({ aliases: [], upstream: ["CVE-2022-0778", "DEBIAN-CVE-2022-0778"] })]);
    const result = await update("--nvd");

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("NVD: 1 CVE ids fetched");
    expect(mock.requestsTo("/nvd/").map((request) => request.search)).toEqual([
      "cveId=CVE-2022-0778",
    ]);
  });

  test("--nvd without unknown findings asks nothing", async () => {
    storeScan([finding({ severity: "low" })]);
    const result = await update("--nvd");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("nothing to ask NVD");
    expect(mock.requests).toHaveLength(0);
  });

  test("--nvd reads the latest scan of every root", async () => {
    storeScan([finding({})]);
    storeScan([finding({ vulnerabilityId: "CVE-2023-0286", aliases: [] })], "/srv/other-root");
    const result = await update("--nvd");
    expect(result.stdout).toContain("NVD: 2 CVE ids fetched");
  });

  test("--nvd failure exits 4", async () => {
    storeScan([finding({})]);
    mock.addFault({ path: /^\/nvd\//, fault: { kind: "status", status: 403 } });
    const result = await update("--nvd");
    expect(result.exitCode).toBe(4);
    expect(result.stdout).toContain("1 still pending");
  });
});
