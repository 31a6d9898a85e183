import { describe, expect, test } from "bun:test";
import { debianVersionScheme } from "../../src/versioning/debian-version-scheme.ts";
import { versionSchemeFor } from "../../src/versioning/schemes.ts";
import type { VersionScheme } from "../../src/versioning/version-scheme.ts";

describe("versionSchemeFor", () => {
  test.each([
    "Debian",
    "Debian:12",
    "Debian:11",
    "Ubuntu",
    "Ubuntu:22.04:LTS",
    "Ubuntu:23.10",
    "Ubuntu:Pro:20.04:LTS",
    "Ubuntu:Pro:FIPS:20.04:LTS",
  ])("%s uses dpkg order", (ecosystem) => {
    expect(versionSchemeFor(ecosystem)).toBe(debianVersionScheme);
  });

  test.each([
    "Alpine:v3.20",
    "Red Hat:enterprise_linux:9",
    "AlmaLinux:9",
    "Rocky Linux:9",
    "debian:12",
    "DebianX:1",
    "PyPI",
    "",
  ])("%j is unsupported", (ecosystem) => {
    expect(versionSchemeFor(ecosystem)).toBeUndefined();
  });
});

// Properties every version scheme must have, run against each implementation.
const schemes: Array<{ scheme: VersionScheme; ascending: string[]; invalid: string[] }> = [
  {
    scheme: debianVersionScheme,
    ascending: ["0.9", "1.0~rc1", "1.0", "1.0-1", "1.0-1+b1", "1.0+dfsg-1", "1:0.1"],
    invalid: ["", "1.0-", "a:1.0"],
  },
];

describe.each(schemes)("$scheme.name version scheme", ({ scheme, ascending, invalid }) => {
  test("orders the ascending list", () => {
    for (let i = 0; i < ascending.length; i++) {
      for (let j = 0; j < ascending.length; j++) {
        const a = ascending[i] ?? "";
        const b = ascending[j] ?? "";
        expect(Math.sign(scheme.compare(a, b)), `${a} vs ${b}`).toBe(Math.sign(i - j));
      }
    }
  });

  test("accepts valid versions", () => {
    for (const version of ascending) {
      expect(scheme.isValid(version), version).toBe(true);
    }
  });

  test("rejects invalid versions", () => {
    for (const version of invalid) {
      expect(scheme.isValid(version), version).toBe(false);
      expect(() => scheme.compare(version, ascending[0] ?? "")).toThrow(JSON.stringify(version));
    }
  });
});
