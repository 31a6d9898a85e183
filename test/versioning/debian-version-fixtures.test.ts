import { describe, expect, test } from "bun:test";
import {
  compareDebianVersions,
  parseDebianVersion,
  tryParseDebianVersion,
} from "../../src/versioning/debian-version.ts";
import { fixturePath, readVersionList, readVersionPairs } from "./read-version-pairs.ts";

// Each file contains pairs with a known order. Every pair is checked in both
// directions, and the report lists all mismatches with their line numbers.
const PAIR_FILES = [
  "scalibr-debian-versions.txt",
  "scalibr-debian-versions-generated.txt",
  "dpkg-pairs.txt",
];

describe("compareDebianVersions on fixture pairs", () => {
  for (const fileName of PAIR_FILES) {
    test(`${fileName} in both directions`, async () => {
      const pairs = await readVersionPairs(fileName);
      expect(pairs.length).toBeGreaterThan(0);

      const mismatches: string[] = [];
      for (const { a, b, expected, line } of pairs) {
        const forward = compareDebianVersions(a, b);
        const backward = compareDebianVersions(b, a);
        if (forward !== expected || backward !== -expected) {
          mismatches.push(
            `line ${line}: ${a} vs ${b}: want ${expected}, got ${forward} / ${backward}`,
          );
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});

describe("parseDebianVersion against dpkg --validate-version", () => {
  test("dpkg-syntax.txt exit codes", async () => {
    const text = await Bun.file(fixturePath("dpkg-syntax.txt")).text();
    const cases = text
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"))
      .map((line) => {
        const [exitCode, json] = line.split("\t");
        return { dpkgExitCode: Number(exitCode), version: JSON.parse(json ?? "") as string };
      });
    expect(cases.length).toBeGreaterThan(40);

    const mismatches: string[] = [];
    for (const { dpkgExitCode, version } of cases) {
      const laxAccepts = tryParseDebianVersion(version) !== null;
      const strictAccepts = tryParseDebianVersion(version, { strict: true }) !== null;
      let ourExitCode = 2;
      if (strictAccepts) {
        ourExitCode = 0;
      } else if (laxAccepts) {
        ourExitCode = 1;
      }
      if (ourExitCode !== dpkgExitCode) {
        mismatches.push(`${JSON.stringify(version)}: dpkg ${dpkgExitCode}, ours ${ourExitCode}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  test("real versions all strictly valid", async () => {
    const versions = await readVersionList("real-versions.txt");
    expect(versions.length).toBeGreaterThan(1000);
    for (const version of versions) {
      expect(() => parseDebianVersion(version, { strict: true })).not.toThrow();
    }
  });
});
