import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  fillNvdRatings,
  type NvdFillDeps,
} from "../../../src/advisories/online/fill-nvd-ratings.ts";
import { createMemoryLogger } from "../../../src/platform/logger.ts";
import { loadNvdResults } from "../../../src/store/nvd-store.ts";
import { type CortexDatabase, openMemoryDatabase } from "../../../src/store/open-database.ts";
import type { MockAdvisoryServer } from "../../mock-server/mock-advisory-server.ts";
import { startRecordedMock } from "../../mock-server/start-recorded-mock.ts";
import { FAST_RETRY, mockConfig } from "./online-test-deps.ts";

const START = new Date("2026-12-04T12:00:00Z");
const HOUR = 3_600_000;

/** 12 CVE ids with recorded NVD objects. */
const KNOWN_CVES = [
  "CVE-2014-0224",
  "CVE-2016-10228",
  "CVE-2018-0735",
  "CVE-2018-17199",
  "CVE-2022-0778",
  "CVE-2022-27664",
  "CVE-2022-38178",
  "CVE-2023-0286",
  "CVE-2024-0727",
  "CVE-2024-10524",
  "CVE-2024-24806",
  "CVE-2024-5732",
];

let mock: MockAdvisoryServer;
let db: CortexDatabase;
let wallClock: Date;
let fakeMs: number;
let sleeps: number[];
let log: ReturnType<typeof createMemoryLogger>;

beforeEach(() => {
  mock = startRecordedMock();
  db = openMemoryDatabase();
  wallClock = START;
  fakeMs = 0;
  sleeps = [];
  log = createMemoryLogger();
});

afterEach(async () => {
  await mock.stop();
});

/** Deps with a fake monotonic clock that only the injected sleep advances. */
function deps(overrides: Partial<NvdFillDeps> = {}): NvdFillDeps {
  return {
    db,
    config: mockConfig(mock),
    fetch,
    now: () => wallClock,
    log,
    clock: () => fakeMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      fakeMs += ms;
    },
    retry: FAST_RETRY,
    ...overrides,
  };
}

function nvdRequests() {
  return mock.requestsTo("/nvd/");
}

describe("fillNvdRatings", () => {
  test("stores the primary metric", async () => {
    const result = await fillNvdRatings(["CVE-2022-0778", "CVE-2024-5732"], deps());

    expect(result).toEqual({ fetched: 2, pending: [] });
    const stored = loadNvdResults(db, ["CVE-2022-0778", "CVE-2024-5732"]);
    expect(stored.get("CVE-2022-0778")?.metric?.vectorString).toBe(
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
    );
    expect(stored.get("CVE-2022-0778")?.metric?.baseScore).toBe(7.5);
    expect(stored.get("CVE-2022-0778")?.found).toBe(true);
    expect(stored.get("CVE-2022-0778")?.fetchedAt).toEqual(START);
    expect(stored.get("CVE-2024-5732")?.metric?.version).toBe("4.0");
  });

  test("stores an unknown id as not found", async () => {
    const result = await fillNvdRatings(["CVE-2099-0001"], deps());
    expect(result.fetched).toBe(1);
    const stored = loadNvdResults(db, ["CVE-2099-0001"]).get("CVE-2099-0001");
    expect(stored?.found).toBe(false);
    expect(stored?.metric).toBeNull();
  });

  test("skips ids that are not CVE ids", async () => {
    const result = await fillNvdRatings(
      ["UBUNTU-CVE-2022-0778", "DLA-3008-1", "cve-2022-0778", "CVE-2022-0778"],
      deps(),
    );
    expect(result.fetched).toBe(1);
    expect(nvdRequests().map((request) => request.search)).toEqual(["cveId=CVE-2022-0778"]);
  });

  test("sends the API key header", async () => {
    const config = mockConfig(mock, { nvdApiKey: "test-key" });
    await fillNvdRatings(["CVE-2022-0778"], deps({ config }));
    expect(nvdRequests()[0]?.headers.apikey).toBe("test-key");
    expect(log.lines.join("\n")).not.toContain("test-key");
  });

  test("waits for the rate limit without a key", async () => {
    const result = await fillNvdRatings(KNOWN_CVES, deps({ timeBudgetSeconds: Infinity }));

    expect(result).toEqual({ fetched: 12, pending: [] });
    // 5 requests at 0 s, 5 at 30 s, 2 at 60 s.
    expect(sleeps).toEqual([30_000, 30_000]);
    expect(nvdRequests()).toHaveLength(12);
  });

  test("allows 50 per window with a key", async () => {
    const config = mockConfig(mock, { nvdApiKey: "test-key" });
    const result = await fillNvdRatings(KNOWN_CVES, deps({ config }));
    expect(result.fetched).toBe(12);
    expect(sleeps).toEqual([]);
  });

  test("budget exhaustion leaves the rest pending", async () => {
    const config = mockConfig(mock, { nvdTimeBudgetSeconds: 5 });
    const result = await fillNvdRatings(KNOWN_CVES, deps({ config }));

    // The sixth request would have to wait 30 s, past the 5 s budget.
    expect(result.fetched).toBe(5);
    expect(result.pending).toEqual(KNOWN_CVES.slice(5));
    expect(sleeps).toEqual([]);
    expect(nvdRequests()).toHaveLength(5);
    expect(loadNvdResults(db, KNOWN_CVES).size).toBe(5);
    expect(log.lines.join("\n")).toContain("7 CVE ids left unrated");
  });

  test("budget ends a hung request", async () => {
    mock.addFault({ path: /^\/nvd\//, fault: { kind: "hang" } });
    const config = mockConfig(mock, { nvdTimeBudgetSeconds: 0.3, requestTimeoutSeconds: 30 });
    const started = performance.now();
    const result = await fillNvdRatings(["CVE-2022-0778", "CVE-2023-0286"], {
      db,
      config,
      fetch,
      now: () => wallClock,
      log,
    });

    expect(performance.now() - started).toBeLessThan(2000);
    expect(result).toEqual({ fetched: 0, pending: ["CVE-2022-0778", "CVE-2023-0286"] });
    expect(log.lines.join("\n")).toContain("NVD time budget of 0.3 s");
  });

  test("zero budget sends nothing", async () => {
    const config = mockConfig(mock, { nvdTimeBudgetSeconds: 0 });
    const result = await fillNvdRatings(["CVE-2022-0778"], deps({ config }));
    expect(result).toEqual({ fetched: 0, pending: ["CVE-2022-0778"] });
    expect(nvdRequests()).toHaveLength(0);
  });

  test("fresh answers are not asked again", async () => {
    await fillNvdRatings(["CVE-2022-0778", "CVE-2099-0001"], deps());
    wallClock = new Date(START.getTime() + 23 * HOUR);
    const second = await fillNvdRatings(["CVE-2022-0778", "CVE-2099-0001"], deps());
    expect(second).toEqual({ fetched: 0, pending: [] });
    expect(nvdRequests()).toHaveLength(2);

    wallClock = new Date(START.getTime() + 25 * HOUR);
    const third = await fillNvdRatings(["CVE-2022-0778"], deps());
    expect(third.fetched).toBe(1);
    expect(nvdRequests()).toHaveLength(3);
  });

  test("failure stops and leaves ids pending", async () => {
    mock.addFault({ path: /^\/nvd\//, fault: { kind: "status", status: 503 } });
    const result = await fillNvdRatings(["CVE-2022-0778", "CVE-2023-0286"], deps());

    expect(result).toEqual({ fetched: 0, pending: ["CVE-2022-0778", "CVE-2023-0286"] });
    // One lookup with its 3 retries, then the fill stops.
    expect(nvdRequests()).toHaveLength(4);
    expect(loadNvdResults(db, ["CVE-2022-0778"]).size).toBe(0);
    expect(log.lines.join("\n")).toContain("HTTP 503");
  });

  test("403 is not retried", async () => {
    mock.addFault({ path: /^\/nvd\//, fault: { kind: "status", status: 403 } });
    const result = await fillNvdRatings(["CVE-2022-0778"], deps());
    expect(result.pending).toEqual(["CVE-2022-0778"]);
    expect(nvdRequests()).toHaveLength(1);
  });

  test("retries count against the rate limit", async () => {
    mock.addFault({ path: /^\/nvd\//, times: 3, fault: { kind: "status", status: 429 } });
    const result = await fillNvdRatings(
      ["CVE-2022-0778", "CVE-2023-0286", "CVE-2024-0727"],
      deps({ timeBudgetSeconds: Infinity }),
    );
    expect(result.fetched).toBe(3);
    // 3 failed attempts and 2 lookups fill the first window; the third lookup waits.
    expect(sleeps).toEqual([30_000]);
  });

  test("429 with Retry-After is retried", async () => {
    mock.addFault({
      path: /^\/nvd\//,
      times: 1,
      fault: { kind: "status", status: 429, retryAfter: "6" },
    });
    const result = await fillNvdRatings(
      ["CVE-2022-0778"],
      deps({ retry: { ...FAST_RETRY, maxRetryAfterMs: 60_000 }, timeBudgetSeconds: Infinity }),
    );
    expect(result.fetched).toBe(1);
    expect(sleeps.some((ms) => ms > 5990)).toBe(true);
  });

  test("Retry-After past the budget ends the fill", async () => {
    mock.addFault({
      path: /^\/nvd\//,
      times: 1,
      fault: { kind: "status", status: 429, retryAfter: "6" },
    });
    const config = mockConfig(mock, { nvdTimeBudgetSeconds: 5 });
    const result = await fillNvdRatings(
      ["CVE-2022-0778"],
      deps({ config, retry: { ...FAST_RETRY, maxRetryAfterMs: 60_000 } }),
    );
    expect(result).toEqual({ fetched: 0, pending: ["CVE-2022-0778"] });
    expect(nvdRequests()).toHaveLength(1);
  });
});
