import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type OsvRefreshDeps,
  refreshFromOsv,
} from "../../../src/advisories/online/refresh-from-osv.ts";
import type { OsvPackageQuery } from "../../../src/advisories/osv/osv-client.ts";
import { createMemoryLogger } from "../../../src/platform/logger.ts";
import type { ScanProgress } from "../../../src/scan/run-scan.ts";
import { countAdvisories, listDataSources } from "../../../src/store/advisory-store.ts";
import { type CortexDatabase, openMemoryDatabase } from "../../../src/store/open-database.ts";
import { advisories, osvQueryCache } from "../../../src/store/schema/advisories.ts";
import type { MockAdvisoryServer } from "../../mock-server/mock-advisory-server.ts";
import { QUERYBATCH_DIR, VULNS_DIR } from "../../mock-server/osv-fixtures.ts";
import { startRecordedMock } from "../../mock-server/start-recorded-mock.ts";
import {
  debian9Queries,
  FAST_RETRY,
  FULLY_RECORDED_UBUNTU,
  mockConfig,
  ubuntuQueries,
} from "./online-test-deps.ts";

const START = new Date("2026-12-04T12:00:00Z");
const HOUR = 3_600_000;

let mock: MockAdvisoryServer;
let db: CortexDatabase;
let clock: Date;
let log: ReturnType<typeof createMemoryLogger>;

beforeEach(() => {
  mock = startRecordedMock();
  db = openMemoryDatabase();
  clock = START;
  log = createMemoryLogger();
});

afterEach(async () => {
  await mock.stop();
});

function deps(overrides: Partial<OsvRefreshDeps> = {}): OsvRefreshDeps {
  return {
    db,
    config: mockConfig(mock),
    fetch,
    now: () => clock,
    log,
    refresh: false,
    retry: FAST_RETRY,
    sleep: async () => {},
    ...overrides,
  };
}

function cachedQueries(): { name: string; ids: string[] }[] {
  return db
    .select()
    .from(osvQueryCache)
    .all()
    .map((row) => ({ name: row.name, ids: JSON.parse(row.vulnerabilityIdsJson) as string[] }));
}

function storedIds(): string[] {
  return db
    .select({ id: advisories.id })
    .from(advisories)
    .all()
    .map((row) => row.id)
    .sort();
}

/** Reads the queries of a recorded querybatch request as (ecosystem, name, version). */
function recordedQueries(file: string): OsvPackageQuery[] {
  const request = JSON.parse(readFileSync(join(QUERYBATCH_DIR, file), "utf8")) as {
    queries: { package: { ecosystem?: string; name?: string }; version?: string }[];
  };
  return request.queries.flatMap(({ package: pkg, version }) =>
    pkg.ecosystem && pkg.name && version !== undefined
      ? [{ ecosystem: pkg.ecosystem, name: pkg.name, version }]
      : [],
  );
}

describe("refreshFromOsv", () => {
  test("stores records of fully recorded packages", async () => {
    const result = await refreshFromOsv(ubuntuQueries(), deps());

    expect(result.unchecked).toEqual([]);
    const expectedIds = FULLY_RECORDED_UBUNTU.flatMap(([, , ids]) => ids).sort();
    expect(storedIds()).toEqual(expectedIds);
    const cached = cachedQueries();
    expect(cached).toHaveLength(13);
    expect(cached.find((row) => row.name === "gzip")?.ids.sort()).toEqual([
      "UBUNTU-CVE-2026-41991",
      "UBUNTU-CVE-2026-41992",
      "USN-8512-1",
    ]);
    const sources = listDataSources(db);
    expect(sources).toHaveLength(1);
    expect(sources[0]?.ecosystem).toBe("Ubuntu:22.04:LTS");
    expect(sources[0]?.source).toBe("osv-api");
    expect(sources[0]?.refreshedAt).toEqual(START);
  });

  test("fetches records with fewest requests", async () => {
    const result = await refreshFromOsv(ubuntuQueries(), deps());

    // acl, dpkg, gzip, sed and xz-utils need 2 or 3 records each: one /v1/query apiece.
    // The other 8 packages need one record each: one GET apiece.
    expect(mock.requestsTo("/v1/querybatch")).toHaveLength(1);
    expect(mock.requests.filter((request) => request.path === "/v1/query")).toHaveLength(5);
    expect(mock.requestsTo("/v1/vulns/")).toHaveLength(8);
    expect(result.requests).toBe(14);
  });

  test("queries by ecosystem, source name and version", async () => {
    await refreshFromOsv(debian9Queries(), deps());
    const body = mock.requestsTo("/v1/querybatch")[0]?.body as { queries: unknown[] };
    expect(body.queries).toEqual([
      { package: { ecosystem: "Debian:9", name: "dpkg" }, version: "1.18.25" },
      { package: { ecosystem: "Debian:9", name: "libxml2" }, version: "2.9.4+dfsg1-2.2+deb9u6" },
      { package: { ecosystem: "Debian:9", name: "openssl" }, version: "1.1.0l-1~deb9u5" },
      { package: { ecosystem: "Debian:9", name: "tzdata" }, version: "2021a-0+deb9u3" },
    ]);
    expect(storedIds()).toEqual(["DLA-3008-1", "DLA-3012-1", "DLA-3022-1", "DLA-3051-1"]);
  });

  test("stores records byte-equal as JSON", async () => {
    await refreshFromOsv(debian9Queries(), deps());
    const row = db
      .select()
      .from(advisories)
      .all()
      .find((entry) => entry.id === "DLA-3008-1");
    const original = JSON.parse(readFileSync(join(VULNS_DIR, "DLA-3008-1.json"), "utf8"));
    expect(JSON.parse(row?.recordJson ?? "null")).toEqual(original);
    expect(row?.origin).toBe("osv-api");
  });

  test("deduplicates repeated queries", async () => {
    const queries = [...debian9Queries(), ...debian9Queries()];
    await refreshFromOsv(queries, deps());
    const body = mock.requestsTo("/v1/querybatch")[0]?.body as { queries: unknown[] };
    expect(body.queries).toHaveLength(4);
  });

  test("package without vulnerabilities is cached empty", async () => {
    const query = { ecosystem: "Debian:9", name: "adduser", version: "3.115" };
    const result = await refreshFromOsv([query], deps());
    expect(result.unchecked).toEqual([]);
    expect(result.requests).toBe(1);
    expect(cachedQueries()).toEqual([{ name: "adduser", ids: [] }]);
  });
});

describe("refreshFromOsv cache", () => {
  test("second run within 24 h sends nothing", async () => {
    await refreshFromOsv(ubuntuQueries(), deps());
    const before = mock.requests.length;
    clock = new Date(START.getTime() + 23 * HOUR);

    const result = await refreshFromOsv(ubuntuQueries(), deps());
    expect(result.requests).toBe(0);
    expect(mock.requests.length).toBe(before);
    expect(result.unchecked).toEqual([]);
  });

  test("refresh asks again within 24 h", async () => {
    await refreshFromOsv(ubuntuQueries(), deps());
    const before = mock.requests.length;
    clock = new Date(START.getTime() + HOUR);

    const result = await refreshFromOsv(ubuntuQueries(), deps({ refresh: true }));
    // The stored records are as new as querybatch's `modified`, so none is fetched again.
    expect(mock.requests.slice(before).map((request) => request.path)).toEqual(["/v1/querybatch"]);
    expect(result.requests).toBe(1);
    expect(listDataSources(db)[0]?.refreshedAt).toEqual(clock);
  });

  test("asks again after 25 h", async () => {
    await refreshFromOsv(ubuntuQueries(), deps());
    const before = mock.requests.length;
    clock = new Date(START.getTime() + 25 * HOUR);

    await refreshFromOsv(ubuntuQueries(), deps());
    expect(mock.requests.slice(before).map((request) => request.path)).toEqual(["/v1/querybatch"]);
  });

  test("fetches a record whose modified changed", async () => {
    await refreshFromOsv(debian9Queries(), deps());
    const before = mock.requests.length;
    db.update(advisories).set({ modified: "2000-01-01T00:00:00Z" }).run();
    clock = new Date(START.getTime() + 25 * HOUR);

    await refreshFromOsv(debian9Queries(), deps());
    const paths = mock.requests.slice(before).map((request) => request.path);
    expect(paths[0]).toBe("/v1/querybatch");
    expect(paths.slice(1).sort()).toEqual(
      ["DLA-3008-1", "DLA-3012-1", "DLA-3022-1", "DLA-3051-1"].map((id) => `/v1/vulns/${id}`),
    );
  });

  test("another OSV server is asked again", async () => {
    const mirror = startRecordedMock();
    try {
      await refreshFromOsv(ubuntuQueries(), deps());
      clock = new Date(START.getTime() + HOUR);

      const switched = await refreshFromOsv(ubuntuQueries(), deps({ config: mockConfig(mirror) }));
      expect(mirror.requestsTo("/v1/querybatch")).toHaveLength(1);
      expect(switched.unchecked).toEqual([]);
      expect(cachedQueries()).toHaveLength(26);

      const before = mock.requests.length;
      const back = await refreshFromOsv(ubuntuQueries(), deps());
      expect(back.requests).toBe(0);
      expect(mock.requests.length).toBe(before);
    } finally {
      await mirror.stop();
    }
  });

  test("trailing slash keeps the same cache", async () => {
    await refreshFromOsv(ubuntuQueries(), deps());
    const before = mock.requests.length;

    const config = mockConfig(mock, { osvUrl: `${mock.osvUrl}/` });
    const result = await refreshFromOsv(ubuntuQueries(), deps({ config }));
    expect(result.requests).toBe(0);
    expect(mock.requests.length).toBe(before);
  });

  test("cache rows keep only the asked ecosystem", async () => {
    await refreshFromOsv(debian9Queries(), deps());
    const result = await refreshFromOsv(
      debian9Queries().map((query) => ({ ...query, ecosystem: "Debian:10" })),
      deps(),
    );
    expect(result.requests).toBe(1);
  });
});

describe("refreshFromOsv failures", () => {
  test("failed batch leaves packages unchecked", async () => {
    mock.addFault({ path: "/v1/querybatch", fault: { kind: "status", status: 500 } });
    const result = await refreshFromOsv(debian9Queries(), deps());

    expect(result.unchecked.map((entry) => entry.sourceName)).toEqual([
      "dpkg",
      "libxml2",
      "openssl",
      "tzdata",
    ]);
    expect(result.unchecked[0]?.sourceVersion).toBe("1.18.25");
    expect(result.unchecked[0]?.reason).toContain("failed after 4 attempts: HTTP 500");
    expect(result.requests).toBe(4);
    expect(cachedQueries()).toEqual([]);
    expect(listDataSources(db)).toEqual([]);
  });

  test("failed lookup is never cached", async () => {
    mock.addFault({ path: "/v1/querybatch", fault: { kind: "status", status: 503 } });
    await refreshFromOsv(debian9Queries(), deps());
    const before = mock.requests.length;

    const result = await refreshFromOsv(debian9Queries(), deps());
    expect(mock.requests.length).toBeGreaterThan(before);
    expect(result.unchecked).toHaveLength(4);
  });

  test("batch 429 with Retry-After recovers", async () => {
    const waits: number[] = [];
    mock.addFault({
      path: "/v1/querybatch",
      times: 1,
      fault: { kind: "status", status: 429, retryAfter: "1" },
    });
    const result = await refreshFromOsv(
      debian9Queries(),
      deps({
        retry: { ...FAST_RETRY, maxRetryAfterMs: 60_000 },
        sleep: async (ms) => {
          waits.push(ms);
        },
      }),
    );
    expect(result.unchecked).toEqual([]);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(990);
    expect(mock.requestsTo("/v1/querybatch")).toHaveLength(2);
  });

  test("batch 429 without Retry-After recovers", async () => {
    mock.addFault({ path: "/v1/querybatch", times: 2, fault: { kind: "status", status: 429 } });
    const result = await refreshFromOsv(debian9Queries(), deps());
    expect(result.unchecked).toEqual([]);
    expect(mock.requestsTo("/v1/querybatch")).toHaveLength(3);
  });

  test.each([["truncate" as const], ["invalid-json" as const], ["hang" as const]])(
    "batch %s is retried",
    async (kind) => {
      mock.addFault({ path: "/v1/querybatch", times: 1, fault: { kind } });
      const config = mockConfig(mock, { requestTimeoutSeconds: 0.2 });
      const result = await refreshFromOsv(debian9Queries(), deps({ config }));
      expect(result.unchecked).toEqual([]);
      expect(mock.requestsTo("/v1/querybatch")).toHaveLength(2);
      expect(cachedQueries()).toHaveLength(4);
    },
  );

  test("record 503 is retried", async () => {
    mock.addFault({
      path: "/v1/vulns/DLA-3008-1",
      times: 2,
      fault: { kind: "status", status: 503 },
    });
    const result = await refreshFromOsv(debian9Queries(), deps());
    expect(result.unchecked).toEqual([]);
    expect(mock.requestsTo("/v1/vulns/DLA-3008-1")).toHaveLength(3);
  });

  test("404 after batch leaves package unchecked", async () => {
    mock.removeRecord("DLA-3008-1");
    const result = await refreshFromOsv(debian9Queries(), deps());

    expect(result.unchecked).toHaveLength(1);
    expect(result.unchecked[0]?.sourceName).toBe("openssl");
    expect(result.unchecked[0]?.reason).toContain("OSV has no record DLA-3008-1 (HTTP 404)");
    expect(mock.requestsTo("/v1/vulns/DLA-3008-1")).toHaveLength(1);
    expect(
      cachedQueries()
        .map((row) => row.name)
        .sort(),
    ).toEqual(["dpkg", "libxml2", "tzdata"]);
  });

  test("404 inside a package query falls back", async () => {
    mock.removeRecord("USN-8512-1");
    const queries = ubuntuQueries().filter((query) => query.name === "gzip");
    const result = await refreshFromOsv(queries, deps());

    expect(mock.requests.filter((request) => request.path === "/v1/query")).toHaveLength(1);
    expect(mock.requestsTo("/v1/vulns/USN-8512-1")).toHaveLength(1);
    expect(result.unchecked).toHaveLength(1);
    expect(result.unchecked[0]?.reason).toContain("USN-8512-1 (HTTP 404)");
    expect(cachedQueries()).toEqual([]);
    expect(storedIds()).toEqual(["UBUNTU-CVE-2026-41991", "UBUNTU-CVE-2026-41992"]);
  });

  test("listed ids without records leave package unchecked", async () => {
    const queries = recordedQueries(
      "TestCommand_OCIImage_Empty_Ubuntu_22.04_image_tar.request.json",
    );
    const result = await refreshFromOsv(queries, deps());

    const unchecked = new Set(result.unchecked.map((entry) => entry.sourceName));
    expect(unchecked.has("coreutils")).toBe(true);
    expect(unchecked.has("glibc")).toBe(true);
    for (const [name] of FULLY_RECORDED_UBUNTU) expect(unchecked.has(name)).toBe(false);
    const cachedNames = new Set(cachedQueries().map((row) => row.name));
    for (const name of unchecked) expect(cachedNames.has(name)).toBe(false);
  });

  test("record missing required fields is rejected", async () => {
    const record = JSON.parse(readFileSync(join(VULNS_DIR, "DLA-3051-1.json"), "utf8"));
    delete record.modified;
    mock.replaceRecord("DLA-3051-1", record);
    const result = await refreshFromOsv(debian9Queries(), deps());

    expect(result.unchecked).toHaveLength(1);
    expect(result.unchecked[0]?.sourceName).toBe("tzdata");
    expect(result.unchecked[0]?.reason).toContain("Invalid OSV record DLA-3051-1");
    expect(storedIds()).not.toContain("DLA-3051-1");
    expect(cachedQueries().map((row) => row.name)).not.toContain("tzdata");
  });

  test("record with another id is rejected", async () => {
    const other = JSON.parse(readFileSync(join(VULNS_DIR, "DLA-3012-1.json"), "utf8"));
    mock.replaceRecord("DLA-3008-1", other);
    const result = await refreshFromOsv(debian9Queries(), deps());
    expect(result.unchecked.map((entry) => entry.sourceName)).toEqual(["openssl"]);
    expect(result.unchecked[0]?.reason).toContain("returned record DLA-3012-1");
  });

  test("failure of one batch keeps others", async () => {
    const filler = Array.from({ length: 1000 }, (_, index) => ({
      ecosystem: "Debian:9",
      name: `filler-${index}`,
      version: "1.0-1",
    }));
    mock.addFault({ path: "/v1/querybatch", times: 4, fault: { kind: "status", status: 502 } });
    const result = await refreshFromOsv([...filler, ...debian9Queries()], deps());

    // The first request carries the 1000 fillers and fails 4 times; the second carries the rest.
    expect(result.unchecked).toHaveLength(1000);
    expect(storedIds()).toEqual(["DLA-3008-1", "DLA-3012-1", "DLA-3022-1", "DLA-3051-1"]);
  });
});

describe("refreshFromOsv batching", () => {
  test("sends at most 1000 queries per batch", async () => {
    const queries = Array.from({ length: 2500 }, (_, index) => ({
      ecosystem: "Debian:12",
      name: `package-${index}`,
      version: "1.0-1",
    }));
    const result = await refreshFromOsv(queries, deps());
    const sizes = mock
      .requestsTo("/v1/querybatch")
      .map((request) => (request.body as { queries: unknown[] }).queries.length);
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(result.unchecked).toEqual([]);
    expect(cachedQueries()).toHaveLength(2500);
  });

  test("follows page tokens of each query", async () => {
    mock.setPageSize(1);
    const result = await refreshFromOsv(ubuntuQueries(), deps());

    expect(result.unchecked).toEqual([]);
    const batches = mock
      .requestsTo("/v1/querybatch")
      .map((request) => (request.body as { queries: { page_token?: string }[] }).queries);
    // gzip lists 3 ids: pages 2 and 3 re-send just the queries that got a token.
    expect(batches.map((queries) => queries.length)).toEqual([13, 5, 1]);
    expect(batches[1]?.every((query) => query.page_token !== undefined)).toBe(true);
    expect(cachedQueries().find((row) => row.name === "gzip")?.ids).toHaveLength(3);
    expect(storedIds()).toHaveLength(19);
  });

  test("follows page tokens of package queries", async () => {
    mock.setPageSize(2);
    const queries = ubuntuQueries().filter((query) => query.name === "gzip");
    await refreshFromOsv(queries, deps());
    const pages = mock.requests.filter((request) => request.path === "/v1/query");
    expect(pages).toHaveLength(2);
    expect((pages[1]?.body as { page_token?: string } | undefined)?.page_token).toBeDefined();
    expect(storedIds()).toHaveLength(3);
  });

  test("keeps at most 16 requests in flight", async () => {
    mock.setLatency(20);
    const queries = recordedQueries(
      "TestCommand_OCIImage_Empty_Ubuntu_22.04_image_tar.request.json",
    );
    await refreshFromOsv(queries, deps());
    expect(mock.requests.length).toBeGreaterThan(40);
    expect(mock.peakInFlight()).toBe(16);
  });

  test("reports progress up to the total", async () => {
    const progress: ScanProgress[] = [];
    await refreshFromOsv(ubuntuQueries(), deps({ onProgress: (entry) => progress.push(entry) }));
    expect(progress.at(-1)).toEqual({ done: 13, total: 13, findings: 0 });
    const done = progress.map((entry) => entry.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
  });

  test("counts stored advisories once", async () => {
    await refreshFromOsv([...ubuntuQueries(), ...debian9Queries()], deps());
    expect(countAdvisories(db)).toBe(23);
  });
});
