import { describe, expect, test } from "bun:test";
import type { OsvRecord } from "../../src/advisories/osv/osv-record.ts";
import {
  advisoryCountsByEcosystem,
  compareOsvTimestamps,
  countAdvisories,
  dataFreshness,
  loadAdvisoriesForPackages,
  markDataRefreshed,
  upsertAdvisories,
  upsertAdvisory,
} from "../../src/store/advisory-store.ts";
import { openMemoryDatabase } from "../../src/store/open-database.ts";

const NOW = new Date("2026-12-04T12:00:00Z");

/** Builds a record in the shape of the Debian:12 sample records from the fields a test varies. */
function record(
  id: string,
  modified: string,
  packages: { ecosystem: string; name: string; fixed?: string }[],
): OsvRecord {
  return {
    schema_version: "1.6.0",
    id,
    modified,
    affected: packages.map(({ ecosystem, name, fixed }) => ({
      package: { ecosystem, name },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: fixed ?? "1.0-1" }] }],
    })),
  };
}

function store(db: ReturnType<typeof openMemoryDatabase>, value: OsvRecord): string {
  return upsertAdvisory(db, value, JSON.stringify(value, null, 2), "import", NOW);
}

describe("upsertAdvisory", () => {
  test("new record is imported", () => {
    const db = openMemoryDatabase();
    const value = record("CVE-2024-0727", "2024-02-01T00:00:00Z", [
      { ecosystem: "Debian:12", name: "openssl" },
    ]);
    expect(store(db, value)).toBe("imported");
    expect(countAdvisories(db)).toBe(1);
  });

  test("same modified again is unchanged", () => {
    const db = openMemoryDatabase();
    const value = record("CVE-2024-0727", "2024-02-01T00:00:00Z", [
      { ecosystem: "Debian:12", name: "openssl" },
    ]);
    store(db, value);
    expect(store(db, value)).toBe("unchanged");
  });

  test("newer modified replaces record and packages", () => {
    const db = openMemoryDatabase();
    store(
      db,
      record("CVE-2023-50387", "2024-02-01T00:00:00Z", [
        { ecosystem: "Debian:12", name: "systemd" },
        { ecosystem: "Debian:12", name: "unbound" },
      ]),
    );
    const newer = record("CVE-2023-50387", "2024-02-02T00:00:00Z", [
      { ecosystem: "Debian:12", name: "unbound", fixed: "1.17.1-2+deb12u2" },
    ]);
    expect(store(db, newer)).toBe("updated");

    expect(loadAdvisoriesForPackages(db, ["Debian:12"], ["systemd"])).toEqual([]);
    expect(loadAdvisoriesForPackages(db, ["Debian:12"], ["unbound"])).toEqual([newer]);
  });

  test("older modified leaves stored record", () => {
    const db = openMemoryDatabase();
    const stored = record("CVE-2024-0727", "2024-02-02T00:00:00Z", [
      { ecosystem: "Debian:12", name: "openssl", fixed: "3.0.13-1~deb12u1" },
    ]);
    store(db, stored);
    const older = record("CVE-2024-0727", "2024-02-01T00:00:00Z", [
      { ecosystem: "Debian:12", name: "openssl", fixed: "3.0.11-1~deb12u2" },
    ]);
    expect(store(db, older)).toBe("unchanged");
    expect(loadAdvisoriesForPackages(db, ["Debian:12"], ["openssl"])).toEqual([stored]);
  });

  test("offset timestamps compare by instant", () => {
    const db = openMemoryDatabase();
    // 12:00+02:00 is 10:00Z, so the second record is newer although its text sorts lower.
    store(
      db,
      record("DSA-1", "2024-02-01T12:00:00+02:00", [{ ecosystem: "Debian:12", name: "a" }]),
    );
    expect(
      store(db, record("DSA-1", "2024-02-01T11:00:00Z", [{ ecosystem: "Debian:12", name: "a" }])),
    ).toBe("updated");
  });

  test("raw JSON is stored byte for byte", () => {
    const db = openMemoryDatabase();
    const value = record("CVE-2024-0727", "2024-02-01T00:00:00Z", [
      { ecosystem: "Debian:12", name: "openssl" },
    ]);
    const raw = `{ "id": "CVE-2024-0727" ,\n"modified":"2024-02-01T00:00:00Z"}\n`;
    upsertAdvisory(db, value, raw, "osv-api", NOW);
    const row = db.$client
      .query("SELECT record_json, origin FROM advisories WHERE id = ?")
      .get("CVE-2024-0727") as { record_json: string; origin: string };
    expect(row.record_json).toBe(raw);
    expect(row.origin).toBe("osv-api");
  });

  test("duplicate package in two entries is indexed once", () => {
    const db = openMemoryDatabase();
    const value = record("CVE-2024-1", "2024-02-01T00:00:00Z", [
      { ecosystem: "Debian:12", name: "linux" },
      { ecosystem: "Debian:12", name: "linux" },
    ]);
    expect(store(db, value)).toBe("imported");
    expect(loadAdvisoriesForPackages(db, ["Debian:12"], ["linux"])).toHaveLength(1);
  });
});

describe("upsertAdvisories", () => {
  test("returns one outcome per record in order", () => {
    const db = openMemoryDatabase();
    const first = record("A-1", "2024-01-01T00:00:00Z", [{ ecosystem: "Debian:12", name: "a" }]);
    const second = record("A-1", "2024-01-02T00:00:00Z", [{ ecosystem: "Debian:12", name: "a" }]);
    const items = [first, second, first].map((value) => ({
      record: value,
      rawJson: JSON.stringify(value),
    }));
    expect(upsertAdvisories(db, items, "import", NOW)).toEqual([
      "imported",
      "updated",
      "unchanged",
    ]);
  });
});

describe("loadAdvisoriesForPackages", () => {
  test("matches ecosystem and name pairs only", () => {
    const db = openMemoryDatabase();
    const debian = record("DEB-1", "2024-01-01T00:00:00Z", [
      { ecosystem: "Debian:12", name: "curl" },
    ]);
    const ubuntu = record("USN-1", "2024-01-01T00:00:00Z", [
      { ecosystem: "Ubuntu:22.04:LTS", name: "curl" },
    ]);
    const pro = record("USN-2", "2024-01-01T00:00:00Z", [
      { ecosystem: "Ubuntu:Pro:22.04:LTS", name: "curl" },
    ]);
    for (const value of [debian, ubuntu, pro]) store(db, value);

    expect(loadAdvisoriesForPackages(db, ["Debian:12"], ["curl"])).toEqual([debian]);
    expect(
      loadAdvisoriesForPackages(db, ["Ubuntu:22.04:LTS", "Ubuntu:Pro:22.04:LTS"], ["curl"]),
    ).toEqual([ubuntu, pro]);
    expect(loadAdvisoriesForPackages(db, ["Debian:11"], ["curl"])).toEqual([]);
    expect(loadAdvisoriesForPackages(db, ["Debian:12"], [])).toEqual([]);
  });

  test("record matching two names comes once", () => {
    const db = openMemoryDatabase();
    const value = record("CVE-2023-50387", "2024-01-01T00:00:00Z", [
      { ecosystem: "Debian:12", name: "systemd" },
      { ecosystem: "Debian:12", name: "unbound" },
    ]);
    store(db, value);
    expect(loadAdvisoriesForPackages(db, ["Debian:12"], ["systemd", "unbound"])).toEqual([value]);
  });

  test("400 names over 6,000 records within 200 ms", () => {
    const db = openMemoryDatabase();
    const items = Array.from({ length: 6000 }, (_, index) => {
      const value = record(`CVE-2026-${10000 + index}`, "2026-01-01T00:00:00Z", [
        { ecosystem: "Debian:12", name: `source-${index % 800}` },
      ]);
      return { record: value, rawJson: JSON.stringify(value) };
    });
    upsertAdvisories(db, items, "import", NOW);
    const names = Array.from({ length: 400 }, (_, index) => `source-${index * 2}`);

    const started = performance.now();
    const found = loadAdvisoriesForPackages(db, ["Debian:12"], names);
    const elapsed = performance.now() - started;

    expect(found).toHaveLength(3000);
    // A loose bound: it catches a lost index or one query per name, not small slowdowns.
    expect(elapsed).toBeLessThan(200);
  });
});

describe("data freshness", () => {
  test("unknown ecosystem has no refresh and no records", () => {
    const db = openMemoryDatabase();
    expect(dataFreshness(db, "Debian:12")).toEqual({
      refreshedAt: null,
      newestModified: null,
      recordCount: 0,
    });
  });

  test("latest refresh of any source wins", () => {
    const db = openMemoryDatabase();
    store(db, record("DEB-1", "2024-01-01T00:00:00Z", [{ ecosystem: "Debian:12", name: "curl" }]));
    markDataRefreshed(
      db,
      "Debian:12",
      "import",
      new Date("2026-12-01T00:00:00Z"),
      "2026-11-30T00:00:00Z",
    );
    markDataRefreshed(
      db,
      "Debian:12",
      "osv-api",
      new Date("2026-12-03T00:00:00Z"),
      "2026-12-02T00:00:00Z",
    );
    markDataRefreshed(
      db,
      "Debian:12",
      "import",
      new Date("2026-12-02T00:00:00Z"),
      "2026-12-01T00:00:00Z",
    );

    expect(dataFreshness(db, "Debian:12")).toEqual({
      refreshedAt: new Date("2026-12-03T00:00:00Z"),
      newestModified: "2026-12-02T00:00:00Z",
      recordCount: 1,
    });
  });

  test("counts by ecosystem", () => {
    const db = openMemoryDatabase();
    store(
      db,
      record("CVE-1", "2024-01-01T00:00:00Z", [
        { ecosystem: "Debian:12", name: "a" },
        { ecosystem: "Debian:11", name: "a" },
      ]),
    );
    store(db, record("CVE-2", "2024-01-01T00:00:00Z", [{ ecosystem: "Debian:12", name: "b" }]));
    expect(advisoryCountsByEcosystem(db)).toEqual([
      { ecosystem: "Debian:11", recordCount: 1 },
      { ecosystem: "Debian:12", recordCount: 2 },
    ]);
  });
});

describe("compareOsvTimestamps", () => {
  const cases: [string, string, number][] = [
    ["2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z", -1],
    ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000Z", 0],
    ["2026-03-09T01:23:33.375630Z", "2026-03-09T01:23:33.375629Z", 1],
    ["2024-01-01T02:00:00+02:00", "2024-01-01T00:00:00Z", 0],
  ];
  for (const [a, b, sign] of cases) {
    test(`${a} vs ${b}`, () => {
      expect(Math.sign(compareOsvTimestamps(a, b))).toBe(sign);
    });
  }
});
