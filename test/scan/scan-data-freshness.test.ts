import { describe, expect, test } from "bun:test";
import type { OsvRecord } from "../../src/advisories/osv/osv-record.ts";
import { scanDataFreshness } from "../../src/scan/scan-data-freshness.ts";
import { markDataRefreshed, upsertAdvisory } from "../../src/store/advisory-store.ts";
import { openMemoryDatabase } from "../../src/store/open-database.ts";
import { loadOsvFixture } from "../matching/osv-fixtures.ts";

type Database = ReturnType<typeof openMemoryDatabase>;

/** Stores a record and marks each ecosystem it names as refreshed at `refreshedAt`, as `db import` does. */
function importRecord(db: Database, record: OsvRecord, refreshedAt: Date): void {
  upsertAdvisory(db, record, JSON.stringify(record), "import", refreshedAt);
  const ecosystems = new Set(record.affected?.map((entry) => entry.package?.ecosystem ?? ""));
  for (const ecosystem of ecosystems) {
    markDataRefreshed(db, ecosystem, "import", refreshedAt, record.modified);
  }
}

describe("scanDataFreshness", () => {
  test("empty database has no data", () => {
    expect(scanDataFreshness(openMemoryDatabase(), "Ubuntu:22.04:LTS")).toEqual({
      refreshedAt: null,
      newestModified: null,
      recordCount: 0,
    });
  });

  test("counts Ubuntu:26.04 for a 26.04 LTS host", async () => {
    const db = openMemoryDatabase();
    const refreshedAt = new Date("2026-12-01T00:00:00Z");
    const record = await loadOsvFixture("ubuntu/UBUNTU-CVE-2026-5958.json");
    importRecord(db, record, refreshedAt);

    const freshness = scanDataFreshness(db, "Ubuntu:26.04:LTS");

    expect(freshness.recordCount).toBe(1);
    expect(freshness.refreshedAt).toEqual(refreshedAt);
    expect(freshness.newestModified).toBe(record.modified);
  });

  test("counts the release's Ubuntu Pro data", async () => {
    const db = openMemoryDatabase();
    importRecord(
      db,
      await loadOsvFixture("ubuntu/UBUNTU-CVE-2022-24823.json"),
      new Date("2026-12-01T00:00:00Z"),
    );

    expect(scanDataFreshness(db, "Ubuntu:22.04:LTS").recordCount).toBe(1);
  });

  test("other releases and distros never count", async () => {
    const db = openMemoryDatabase();
    importRecord(
      db,
      await loadOsvFixture("debian12-changelogs/CVE-2026-4878.json"),
      new Date("2026-12-01T00:00:00Z"),
    );
    importRecord(
      db,
      await loadOsvFixture("ubuntu/UBUNTU-CVE-2022-24823.json"),
      new Date("2026-12-02T00:00:00Z"),
    );

    expect(scanDataFreshness(db, "Debian:11").recordCount).toBe(0);
    expect(scanDataFreshness(db, "Debian:11").refreshedAt).toBeNull();
    expect(scanDataFreshness(db, "Debian:12").refreshedAt).toEqual(
      new Date("2026-12-01T00:00:00Z"),
    );
    expect(scanDataFreshness(db, "Ubuntu:23.10").recordCount).toBe(0);
  });

  test("latest refresh of the spellings wins", async () => {
    const db = openMemoryDatabase();
    const record = await loadOsvFixture("ubuntu/UBUNTU-CVE-2026-5958.json");
    importRecord(db, record, new Date("2026-12-01T00:00:00Z"));
    markDataRefreshed(
      db,
      "Ubuntu:26.04:LTS",
      "osv-api",
      new Date("2026-12-03T00:00:00Z"),
      "2026-12-02T00:00:00Z",
    );

    const freshness = scanDataFreshness(db, "Ubuntu:26.04:LTS");

    expect(freshness.refreshedAt).toEqual(new Date("2026-12-03T00:00:00Z"));
    expect(freshness.newestModified).toBe("2026-12-02T00:00:00Z");
  });
});
