import { describe, expect, test } from "bun:test";
import type { OsvAffected, OsvEvent } from "../../src/advisories/osv/osv-record.ts";
import { evaluateAffected } from "../../src/matching/affected-range.ts";
import { compareDebianVersions } from "../../src/versioning/debian-version.ts";
import { loadOsvFixture } from "./osv-fixtures.ts";

function ecosystemEntry(...ranges: OsvEvent[][]): OsvAffected {
  return {
    package: { ecosystem: "Debian:12", name: "example" },
    ranges: ranges.map((events) => ({ type: "ECOSYSTEM", events })),
  };
}

function evaluate(entry: OsvAffected, version: string) {
  return evaluateAffected(entry, version, compareDebianVersions);
}

interface RangeCase {
  version: string;
  affected: boolean;
  fixedVersion: string | null;
}

function runCases(name: string, entry: OsvAffected, cases: RangeCase[]): void {
  describe(name, () => {
    for (const { version, affected, fixedVersion } of cases) {
      test(`${version} → ${affected ? `affected, fix ${fixedVersion}` : "not affected"}`, () => {
        const verdict = evaluate(entry, version);
        expect(verdict.affected).toBe(affected);
        expect(verdict.fixedVersion).toBe(fixedVersion);
      });
    }
  });
}

runCases("introduced 0, fixed", ecosystemEntry([{ introduced: "0" }, { fixed: "1.2-3" }]), [
  { version: "0.1-1", affected: true, fixedVersion: "1.2-3" },
  { version: "1.2-2", affected: true, fixedVersion: "1.2-3" },
  { version: "1.2~rc1-1", affected: true, fixedVersion: "1.2-3" },
  { version: "1.2-3", affected: false, fixedVersion: null },
  { version: "1.2-3+b1", affected: false, fixedVersion: null },
  { version: "1:0.5-1", affected: false, fixedVersion: null },
]);

runCases("introduced at a version", ecosystemEntry([{ introduced: "1.0-1" }, { fixed: "2.0-1" }]), [
  { version: "0.9-1", affected: false, fixedVersion: null },
  { version: "1.0-1", affected: true, fixedVersion: "2.0-1" },
  { version: "1.5-1", affected: true, fixedVersion: "2.0-1" },
]);

runCases("introduced 0 without fix", ecosystemEntry([{ introduced: "0" }]), [
  { version: "0~", affected: true, fixedVersion: null },
  { version: "99:1.0", affected: true, fixedVersion: null },
]);

runCases(
  "last_affected is inclusive and gives no fix",
  ecosystemEntry([{ introduced: "1.0-1" }, { last_affected: "1.5-2" }]),
  [
    { version: "1.0-1", affected: true, fixedVersion: null },
    { version: "1.5-2", affected: true, fixedVersion: null },
    { version: "1.5-2+deb12u1", affected: false, fixedVersion: null },
    { version: "0.9-1", affected: false, fixedVersion: null },
  ],
);

runCases("limit caps the range", ecosystemEntry([{ introduced: "0" }, { limit: "2.0-1" }]), [
  { version: "1.9-1", affected: true, fixedVersion: null },
  { version: "2.0-1", affected: false, fixedVersion: null },
  { version: "3.0-1", affected: false, fixedVersion: null },
]);

runCases(
  "limit * is infinity",
  ecosystemEntry([{ introduced: "1.0" }, { fixed: "2.0" }, { limit: "*" }]),
  [
    { version: "1.5", affected: true, fixedVersion: "2.0" },
    { version: "2.0", affected: false, fixedVersion: null },
  ],
);

runCases(
  "any of several limits admits",
  ecosystemEntry([{ introduced: "0" }, { limit: "1.0" }, { limit: "3.0" }]),
  [
    { version: "2.0", affected: true, fixedVersion: null },
    { version: "3.0", affected: false, fixedVersion: null },
  ],
);

const twoIntervals: OsvEvent[] = [
  { introduced: "1.0" },
  { fixed: "1.5" },
  { introduced: "2.0" },
  { fixed: "2.5" },
];

runCases("two introduced/fixed pairs", ecosystemEntry(twoIntervals), [
  { version: "0.5", affected: false, fixedVersion: null },
  { version: "1.2", affected: true, fixedVersion: "1.5" },
  { version: "1.5", affected: false, fixedVersion: null },
  { version: "1.7", affected: false, fixedVersion: null },
  { version: "2.0", affected: true, fixedVersion: "2.5" },
  { version: "2.5", affected: false, fixedVersion: null },
]);

runCases("unsorted events are sorted first", ecosystemEntry([...twoIntervals].reverse()), [
  { version: "1.2", affected: true, fixedVersion: "1.5" },
  { version: "1.7", affected: false, fixedVersion: null },
  { version: "2.2", affected: true, fixedVersion: "2.5" },
  { version: "3.0", affected: false, fixedVersion: null },
]);

runCases(
  "events sorted by dpkg order, not text",
  ecosystemEntry([{ fixed: "1:2.39.2-1.1" }, { introduced: "0" }]),
  [
    { version: "2.39.5-0+deb12u1", affected: true, fixedVersion: "1:2.39.2-1.1" },
    { version: "1:2.39.2-1.1", affected: false, fixedVersion: null },
  ],
);

runCases(
  "Ubuntu esm tilde sorts before the release",
  ecosystemEntry([{ introduced: "0" }, { fixed: "3.4.0-1ubuntu0.1~esm1" }]),
  [
    { version: "3.4.0-1", affected: true, fixedVersion: "3.4.0-1ubuntu0.1~esm1" },
    { version: "3.4.0-1ubuntu0.1", affected: false, fixedVersion: null },
  ],
);

runCases(
  "introduced equal to fixed is empty",
  ecosystemEntry([{ fixed: "1.0" }, { introduced: "1.0" }]),
  [
    { version: "1.0", affected: false, fixedVersion: null },
    { version: "0.9", affected: false, fixedVersion: null },
  ],
);

runCases(
  "several ranges: the highest fix of the ranges that hold the version",
  ecosystemEntry(
    [{ introduced: "0" }, { fixed: "2.0" }],
    [{ introduced: "1.0" }, { fixed: "3.0" }],
  ),
  [
    { version: "0.5", affected: true, fixedVersion: "2.0" },
    { version: "1.5", affected: true, fixedVersion: "3.0" },
    { version: "2.5", affected: true, fixedVersion: "3.0" },
    { version: "3.0", affected: false, fixedVersion: null },
  ],
);

runCases(
  "several ranges: one without fix means no fix",
  ecosystemEntry([{ introduced: "0" }, { fixed: "2.0" }], [{ introduced: "1.0" }]),
  [
    { version: "0.5", affected: true, fixedVersion: "2.0" },
    { version: "1.5", affected: true, fixedVersion: null },
  ],
);

runCases(
  "versions list alone",
  { package: { ecosystem: "Debian:12", name: "example" }, versions: ["1.0-1", "1.0-2"] },
  [
    { version: "1.0-1", affected: true, fixedVersion: null },
    { version: "1.0-2", affected: true, fixedVersion: null },
    { version: "1.0-3", affected: false, fixedVersion: null },
  ],
);

runCases(
  "versions list outside the ranges takes the next fix",
  {
    ...ecosystemEntry([{ introduced: "2.0" }, { fixed: "3.0" }]),
    versions: ["1.0-1"],
  },
  [
    { version: "1.0-1", affected: true, fixedVersion: "3.0" },
    { version: "1.0-2", affected: false, fixedVersion: null },
  ],
);

runCases(
  "GIT and SEMVER ranges never decide",
  {
    package: { ecosystem: "Debian:12", name: "example" },
    ranges: [
      { type: "GIT", repo: "https://example.invalid/repo", events: [{ introduced: "0" }] },
      { type: "SEMVER", events: [{ introduced: "0" }, { fixed: "9.0.0" }] },
    ],
  },
  [{ version: "1.0.0", affected: false, fixedVersion: null }],
);

describe("evaluateAffected on real records", () => {
  test("DLA-3008-1 openssl in Debian 9", async () => {
    const record = await loadOsvFixture("debian/DLA-3008-1.json");
    const entry = record.affected?.[0] as OsvAffected;

    expect(evaluate(entry, "1.1.0l-1~deb9u5")).toEqual({
      affected: true,
      fixedVersion: "1.1.0l-1~deb9u6",
    });
    expect(evaluate(entry, "1.1.0l-1~deb9u6")).toEqual({ affected: false, fixedVersion: null });
    expect(evaluate(entry, "1.1.0g-2+riscv64")).toEqual({
      affected: true,
      fixedVersion: "1.1.0l-1~deb9u6",
    });
  });

  test("CVE-2025-26519 GIT entry without package never decides", async () => {
    const record = await loadOsvFixture("osv-api/CVE-2025-26519.json");
    const gitEntry = record.affected?.find((entry) => entry.package === undefined) as OsvAffected;

    expect(gitEntry.ranges?.[0]?.type).toBe("GIT");
    expect(evaluate(gitEntry, "1.2.3-1").affected).toBe(false);
  });
});
