import { describe, expect, test } from "bun:test";
import type { OsvAffected } from "../../src/advisories/osv/osv-record.ts";
import {
  findDistroRating,
  normalizeRatingWord,
  severityForDebianUrgency,
  severityForUbuntuPriority,
} from "../../src/severity/distro-rating.ts";
import type { Severity } from "../../src/severity/severity.ts";
import { handMadeRecord, loadOsvFixture } from "../matching/osv-fixtures.ts";

describe("severityForUbuntuPriority", () => {
  const cases: [string, Severity][] = [
    ["critical", "critical"],
    ["high", "high"],
    ["medium", "medium"],
    ["low", "low"],
    ["negligible", "low"],
    ["untriaged", "unknown"],
    ["Medium", "medium"],
    ["important", "unknown"],
  ];

  for (const [word, severity] of cases) {
    test(`${word} → ${severity}`, () => {
      expect(severityForUbuntuPriority(word)).toBe(severity);
    });
  }
});

describe("severityForDebianUrgency", () => {
  const cases: [string, Severity][] = [
    ["emergency", "critical"],
    ["critical", "critical"],
    ["high", "high"],
    ["medium", "medium"],
    ["low", "low"],
    ["unimportant", "low"],
    ["not yet assigned", "unknown"],
    ["end-of-life", "unknown"],
    ["high**", "high"],
    ["low**", "low"],
    ["medium*", "medium"],
    [" Low ", "low"],
    ["whenever", "unknown"],
  ];

  for (const [word, severity] of cases) {
    test(`${JSON.stringify(word)} → ${severity}`, () => {
      expect(severityForDebianUrgency(word)).toBe(severity);
    });
  }

  test("normalizeRatingWord strips marks and case", () => {
    expect(normalizeRatingWord(" HIGH** ")).toBe("high");
  });
});

describe("findDistroRating on real records", () => {
  const cases: {
    path: string;
    ecosystem: string;
    expected: ReturnType<typeof findDistroRating>;
  }[] = [
    {
      path: "ubuntu/UBUNTU-CVE-2016-2781.json",
      ecosystem: "Ubuntu:22.04:LTS",
      expected: { source: "ubuntu-priority", word: "low", severity: "low" },
    },
    {
      path: "ubuntu/UBUNTU-CVE-2017-11164.json",
      ecosystem: "Ubuntu:22.04:LTS",
      expected: { source: "ubuntu-priority", word: "negligible", severity: "low" },
    },
    {
      path: "ubuntu/UBUNTU-CVE-2023-38545.json",
      ecosystem: "Ubuntu:22.04:LTS",
      expected: { source: "ubuntu-priority", word: "high", severity: "high" },
    },
    {
      path: "ubuntu/USN-8362-1.json",
      ecosystem: "Ubuntu:22.04:LTS",
      expected: { source: "ubuntu-priority", word: "low", severity: "low" },
    },
    {
      path: "ubuntu/USN-7287-1.json",
      ecosystem: "Ubuntu:24.04:LTS",
      expected: { source: "ubuntu-priority", word: "medium", severity: "medium" },
    },
    {
      path: "debian12-changelogs/CVE-2020-3810.json",
      ecosystem: "Debian:12",
      expected: { source: "debian-urgency", word: "critical", severity: "critical" },
    },
    {
      path: "debian12-changelogs/CVE-2006-4262.json",
      ecosystem: "Debian:12",
      expected: { source: "debian-urgency", word: "low", severity: "low" },
    },
    {
      path: "osv-api/CVE-2025-26519.json",
      ecosystem: "Debian:12",
      expected: { source: "debian-urgency", word: "not yet assigned", severity: "unknown" },
    },
    { path: "debian/DLA-3008-1.json", ecosystem: "Debian:9", expected: null },
  ];

  for (const { path, ecosystem, expected } of cases) {
    test(`${path} in ${ecosystem}`, async () => {
      const record = await loadOsvFixture(path);
      const entry = record.affected?.find(
        (item) => item.package?.ecosystem === ecosystem,
      ) as OsvAffected;

      expect(findDistroRating(record, entry)).toEqual(expected);
    });
  }
});

describe("findDistroRating lookup order", () => {
  const base: OsvAffected = { package: { ecosystem: "Ubuntu:22.04:LTS", name: "example" } };

  test("entry priority wins over the record's", () => {
    const entry = { ...base, ecosystem_specific: { ubuntu_priority: "negligible" } };
    const record = handMadeRecord("UBUNTU-CVE-2026-0001", [entry], {
      severity: [{ type: "Ubuntu", score: "high" }],
    });

    expect(findDistroRating(record, entry)?.word).toBe("negligible");
  });

  test("entry severity wins over the record's", () => {
    const entry = { ...base, severity: [{ type: "Ubuntu", score: "medium" }] };
    const record = handMadeRecord("UBUNTU-CVE-2026-0002", [entry], {
      severity: [{ type: "Ubuntu", score: "low" }],
    });

    expect(findDistroRating(record, entry)?.word).toBe("medium");
  });

  test("USN entry takes the highest of its CVEs", () => {
    const entry = {
      ...base,
      database_specific: {
        cves_map: {
          ecosystem: "Ubuntu:22.04:LTS",
          cves: [
            { id: "CVE-2026-0001", severity: [{ type: "Ubuntu", score: "low" }] },
            { id: "CVE-2026-0002", severity: [{ type: "Ubuntu", score: "high" }] },
            { id: "CVE-2026-0003", severity: "malformed" },
          ],
        },
      },
    };

    expect(findDistroRating(handMadeRecord("USN-0001-1", [entry]), entry)).toEqual({
      source: "ubuntu-priority",
      word: "high",
      severity: "high",
    });
  });

  test("untriaged is kept as an unknown rating", () => {
    const entry = { ...base, ecosystem_specific: { ubuntu_priority: "untriaged" } };

    expect(findDistroRating(handMadeRecord("UBUNTU-CVE-2026-0003", [entry]), entry)).toEqual({
      source: "ubuntu-priority",
      word: "untriaged",
      severity: "unknown",
    });
  });
});
