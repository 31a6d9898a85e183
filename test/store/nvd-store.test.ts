import { describe, expect, test } from "bun:test";
import type { NvdPrimaryMetric } from "../../src/advisories/nvd/primary-metric.ts";
import { countNvdResults, loadNvdResults, saveNvdResult } from "../../src/store/nvd-store.ts";
import { openMemoryDatabase } from "../../src/store/open-database.ts";

const METRIC: NvdPrimaryMetric = {
  version: "3.1",
  vectorString: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:N",
  baseScore: 6.5,
  baseSeverity: "MEDIUM",
  source: "nvd@nist.gov",
};

describe("nvd store", () => {
  test("saved metric loads back", () => {
    const db = openMemoryDatabase();
    const fetchedAt = new Date("2026-12-04T10:00:00Z");
    saveNvdResult(db, "CVE-2022-1576", METRIC, fetchedAt);

    expect(loadNvdResults(db, ["CVE-2022-1576"]).get("CVE-2022-1576")).toEqual({
      metric: METRIC,
      fetchedAt,
      found: true,
    });
  });

  test("not found and no metric are kept apart", () => {
    const db = openMemoryDatabase();
    const fetchedAt = new Date("2026-12-04T10:00:00Z");
    saveNvdResult(db, "CVE-2016-3197", null, fetchedAt);
    saveNvdResult(db, "CVE-2099-0001", null, fetchedAt, false);

    const results = loadNvdResults(db, ["CVE-2016-3197", "CVE-2099-0001", "CVE-2000-0001"]);
    expect(results.get("CVE-2016-3197")).toEqual({ metric: null, fetchedAt, found: true });
    expect(results.get("CVE-2099-0001")).toEqual({ metric: null, fetchedAt, found: false });
    expect(results.has("CVE-2000-0001")).toBe(false);
  });

  test("second save replaces the first", () => {
    const db = openMemoryDatabase();
    saveNvdResult(db, "CVE-2022-1576", null, new Date("2026-12-01T00:00:00Z"));
    saveNvdResult(db, "CVE-2022-1576", METRIC, new Date("2026-12-02T00:00:00Z"));

    expect(loadNvdResults(db, ["CVE-2022-1576"]).get("CVE-2022-1576")?.metric).toEqual(METRIC);
    expect(countNvdResults(db)).toBe(1);
  });

  test("more ids than one query takes", () => {
    const db = openMemoryDatabase();
    const ids = Array.from({ length: 2500 }, (_, index) => `CVE-2026-${10000 + index}`);
    for (const id of ids) saveNvdResult(db, id, METRIC, new Date("2026-12-01T00:00:00Z"));

    expect(loadNvdResults(db, ids).size).toBe(2500);
  });
});
