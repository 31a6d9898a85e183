import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  highestCvssScore,
  scoreCvssVector,
  severityForCvssScore,
} from "../../src/severity/cvss-score.ts";
import type { Severity } from "../../src/severity/severity.ts";

describe("scoreCvssVector", () => {
  const scored: { type: string; vector: string; score: number; version: string }[] = [
    {
      type: "CVSS_V3",
      vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
      score: 8.8,
      version: "3.1",
    },
    {
      type: "CVSS_V3",
      vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      score: 9.8,
      version: "3.1",
    },
    {
      type: "CVSS_V3",
      vector: "CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      score: 6.8,
      version: "3.0",
    },
    {
      type: "CVSS_V3",
      vector: "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:C/C:N/I:H/A:N",
      score: 6.5,
      version: "3.0",
    },
    // Temporal metrics do not change a v3 base score.
    {
      type: "CVSS_V3",
      vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U",
      score: 8.8,
      version: "3.1",
    },
    { type: "CVSS_V2", vector: "AV:N/AC:L/Au:N/C:P/I:P/A:P", score: 7.5, version: "2.0" },
    { type: "CVSS_V2", vector: "AV:N/AC:M/Au:N/C:P/I:P/A:N", score: 5.8, version: "2.0" },
    {
      type: "CVSS_V4",
      vector: "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N",
      score: 8.4,
      version: "4.0",
    },
    // A v4.0 score counts the threat metric E:U (6.3 without it).
    {
      type: "CVSS_V4",
      vector: "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:N/E:U",
      score: 1.7,
      version: "4.0",
    },
    {
      type: "CVSS_V4",
      vector: "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:N",
      score: 6.3,
      version: "4.0",
    },
  ];

  for (const { type, vector, score, version } of scored) {
    test(`${vector} → ${score}`, () => {
      const result = scoreCvssVector(type, vector);
      expect(result).toEqual({ ok: true, version, score, vector } as typeof result);
    });
  }

  const skipped: { name: string; type: string; vector: string; reason: string }[] = [
    {
      name: "unknown value",
      type: "CVSS_V3",
      vector: "CVSS:3.1/AV:Q/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
      reason: "AV",
    },
    {
      name: "unknown metric",
      type: "CVSS_V3",
      vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H/XX:Y",
      reason: "XX",
    },
    {
      name: "missing base metrics",
      type: "CVSS_V3",
      vector: "CVSS:3.1/AV:N/AC:L",
      reason: "every base metric",
    },
    {
      name: "repeated metric",
      type: "CVSS_V3",
      vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H/A:L",
      reason: "A appears twice",
    },
    {
      name: "empty part",
      type: "CVSS_V3",
      vector: "CVSS:3.1/AV:N//AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
      reason: "METRIC:VALUE",
    },
    { name: "text instead of vector", type: "CVSS_V3", vector: "high", reason: "must start with" },
    {
      name: "v3.1 vector typed as v4",
      type: "CVSS_V4",
      vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
      reason: "CVSS:4.0/",
    },
    {
      name: "v4 vector typed as v3",
      type: "CVSS_V3",
      vector: "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N",
      reason: "CVSS:3.0/ or CVSS:3.1/",
    },
    {
      name: "v3 vector typed as v2",
      type: "CVSS_V2",
      vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
      reason: "no CVSS: prefix",
    },
    {
      name: "Ubuntu priority word",
      type: "Ubuntu",
      vector: "medium",
      reason: "not a CVSS severity type",
    },
    { name: "empty vector", type: "CVSS_V2", vector: "", reason: "METRIC:VALUE" },
  ];

  for (const { name, type, vector, reason } of skipped) {
    test(`skips ${name}`, () => {
      const result = scoreCvssVector(type, vector);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.reason).toContain(reason);
        expect(result.vector).toBe(vector);
      }
    });
  }
});

describe("severityForCvssScore", () => {
  const cases: [number, Severity][] = [
    [10, "critical"],
    [9.0, "critical"],
    [8.9, "high"],
    [8.8, "high"],
    [7.0, "high"],
    [6.9, "medium"],
    [4.0, "medium"],
    [3.9, "low"],
    [0.1, "low"],
    [0, "unknown"],
  ];

  for (const [score, severity] of cases) {
    test(`${score} → ${severity}`, () => {
      expect(severityForCvssScore(score)).toBe(severity);
    });
  }

  test("8.8 vector is high, not critical", () => {
    const result = scoreCvssVector("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H");
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(severityForCvssScore(result.score)).toBe("high");
    }
  });
});

describe("highestCvssScore", () => {
  test("takes the highest vector and lists skipped ones", () => {
    const { highest, skipped } = highestCvssScore([
      { type: "CVSS_V2", score: "AV:N/AC:L/Au:N/C:P/I:P/A:P" },
      { type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" },
      { type: "CVSS_V4", score: "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N" },
      { type: "CVSS_V3", score: "CVSS:3.1/AV:broken" },
      { type: "Ubuntu", score: "high" },
    ]);

    expect(highest).toEqual({
      version: "3.1",
      score: 9.8,
      vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    });
    expect(skipped.map((entry) => entry.vector)).toEqual(["CVSS:3.1/AV:broken"]);
  });

  test("returns null without CVSS entries", () => {
    expect(highestCvssScore([{ type: "Ubuntu", score: "low" }]).highest).toBeNull();
  });
});

describe("scores agree with NVD's published base scores", () => {
  const CVE_OBJECTS = join(import.meta.dir, "..", "fixtures", "nvd", "cve-objects");
  const TYPES: Record<string, string> = {
    "2.0": "CVSS_V2",
    "3.0": "CVSS_V3",
    "3.1": "CVSS_V3",
    "4.0": "CVSS_V4",
  };

  test("every metric of the NVD fixtures", async () => {
    const paths = await Array.fromAsync(new Bun.Glob("*.json").scan({ cwd: CVE_OBJECTS }));
    const mismatches: string[] = [];
    let checked = 0;

    for (const path of paths.sort()) {
      const cve = (await Bun.file(join(CVE_OBJECTS, path)).json()) as {
        metrics?: Record<
          string,
          { cvssData: { version: string; vectorString: string; baseScore: number } }[]
        >;
      };
      for (const metrics of Object.values(cve.metrics ?? {})) {
        for (const { cvssData } of metrics) {
          const result = scoreCvssVector(TYPES[cvssData.version] ?? "", cvssData.vectorString);
          checked++;
          if (!result.ok || result.score !== cvssData.baseScore) {
            mismatches.push(
              `${path} ${cvssData.vectorString}: NVD ${cvssData.baseScore}, got ${JSON.stringify(result)}`,
            );
          }
        }
      }
    }

    expect(checked).toBeGreaterThan(20);
    expect(mismatches).toEqual([]);
  });
});
