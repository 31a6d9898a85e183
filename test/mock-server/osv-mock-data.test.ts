import { describe, expect, test } from "bun:test";
import { loadRecordedQueryBatches, loadRecordTexts } from "./osv-fixtures.ts";
import { computedMockData, recordedMockData } from "./osv-mock-data.ts";

function record(
  id: string,
  name: string,
  fixed: string,
  ecosystem = "Debian:12",
): [string, string] {
  return [
    id,
    JSON.stringify({
      id,
      modified: "2026-01-01T00:00:00Z",
      affected: [
        {
          package: { ecosystem, name },
          ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }],
        },
      ],
    }),
  ];
}

describe("computedMockData", () => {
  const data = computedMockData(
    new Map([
      record("CVE-2024-0001", "openssl", "3.0.15-1~deb12u1"),
      record("CVE-2024-0002", "openssl", "3.0.11-1~deb12u2"),
      record("CVE-2024-0003", "zlib", "1:1.2.13.dfsg-2"),
      record("CVE-2024-0004", "openssl", "9.9", "Debian:11"),
    ]),
  );

  test("lists records whose range holds the version", () => {
    const ids = data.vulnerabilities("Debian:12", "openssl", "3.0.11-1~deb12u2");
    expect(ids).toEqual([{ id: "CVE-2024-0001", modified: "2026-01-01T00:00:00Z" }]);
  });

  test("fixed version is not affected", () => {
    expect(data.vulnerabilities("Debian:12", "openssl", "3.0.15-1~deb12u1")).toEqual([]);
  });

  test("matchVersions false lists every record", () => {
    const all = computedMockData(
      new Map([record("CVE-2024-0001", "openssl", "3.0.15-1~deb12u1")]),
      {
        matchVersions: false,
      },
    );
    const ids = all.vulnerabilities("Debian:12", "openssl", "3.0.15-1~deb12u1");
    expect(ids.map((entry) => entry.id)).toEqual(["CVE-2024-0001"]);
  });

  test("other ecosystem is ignored", () => {
    expect(data.vulnerabilities("Debian:13", "openssl", "3.0.0-1")).toEqual([]);
  });
});

describe("recordedMockData", () => {
  const data = recordedMockData(loadRecordedQueryBatches(), loadRecordTexts());

  test("treats Ubuntu LTS suffix alike", () => {
    const plain = data.vulnerabilities("Ubuntu:22.04", "gzip", "1.10-4ubuntu4.1");
    const lts = data.vulnerabilities("Ubuntu:22.04:LTS", "gzip", "1.10-4ubuntu4.1");
    expect(plain.map((entry) => entry.id)).toEqual([
      "UBUNTU-CVE-2026-41991",
      "UBUNTU-CVE-2026-41992",
      "USN-8512-1",
    ]);
    expect(lts).toEqual(plain);
  });

  test("reports the served record's modified", () => {
    const [entry] = data.vulnerabilities("Ubuntu:22.04", "attr", "1:2.5.1-1build1");
    const served = JSON.parse(data.recordText("UBUNTU-CVE-2026-54371") ?? "{}");
    expect(entry?.modified).toBe(served.modified);
  });

  test("unknown package has no vulnerabilities", () => {
    expect(data.vulnerabilities("Debian:12", "no-such-package", "1")).toEqual([]);
  });
});
