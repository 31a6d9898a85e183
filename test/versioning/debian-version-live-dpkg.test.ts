import { describe, expect, test } from "bun:test";
import { compareDebianVersions } from "../../src/versioning/debian-version.ts";
import { readVersionList } from "./read-version-pairs.ts";

// Compares fresh random pairs with the dpkg installed on this machine. The
// test only runs read-only `dpkg --compare-versions` and is skipped without dpkg.
const dpkgPath = Bun.which("dpkg");
const PAIR_COUNT = 300;
const RELATION_BY_ORDER = { "-1": "lt", "0": "eq", "1": "gt" } as const;

if (dpkgPath === null) {
  console.warn("Skipping the live dpkg comparison: dpkg is not on PATH.");
}

function dpkgConfirms(a: string, relation: string, b: string): boolean {
  const result = Bun.spawnSync([dpkgPath ?? "dpkg", "--compare-versions", "--", a, relation, b], {
    stderr: "ignore",
  });
  return result.exitCode === 0;
}

describe("compareDebianVersions against live dpkg", () => {
  test.skipIf(dpkgPath === null)(`${PAIR_COUNT} random pairs`, async () => {
    const versions = [
      ...(await readVersionList("real-versions.txt")),
      ...(await readVersionList("tricky-versions.txt")),
    ];
    const seed = Date.now();
    let state = seed % 2147483647;
    const pick = (): string => {
      state = (state * 48271) % 2147483647;
      return versions[state % versions.length] ?? "";
    };

    const mismatches: string[] = [];
    for (let count = 0; count < PAIR_COUNT; count++) {
      const a = pick();
      const b = pick();
      const forward = RELATION_BY_ORDER[compareDebianVersions(a, b) as -1 | 0 | 1];
      const backward = RELATION_BY_ORDER[compareDebianVersions(b, a) as -1 | 0 | 1];
      if (!dpkgConfirms(a, forward, b) || !dpkgConfirms(b, backward, a)) {
        mismatches.push(`${a} ${forward} ${b} (seed ${seed})`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
