import { describe, expect, test } from "bun:test";
import { ExitCode } from "../../src/platform/exit-codes.ts";
import {
  compareDebianVersions,
  compareParsedDebianVersions,
  parseDebianVersion,
  tryParseDebianVersion,
} from "../../src/versioning/debian-version.ts";
import { InvalidVersionError } from "../../src/versioning/invalid-version-error.ts";

/** Checks `a < b` in both directions. */
function expectBefore(a: string, b: string): void {
  expect(compareDebianVersions(a, b), `${a} < ${b}`).toBe(-1);
  expect(compareDebianVersions(b, a), `${b} > ${a}`).toBe(1);
}

function expectEqual(a: string, b: string): void {
  expect(compareDebianVersions(a, b), `${a} = ${b}`).toBe(0);
  expect(compareDebianVersions(b, a), `${b} = ${a}`).toBe(0);
}

describe("parseDebianVersion", () => {
  test.each([
    ["1.0", { epoch: 0, upstream: "1.0", revision: "" }],
    ["1:2.39.2-1.1", { epoch: 1, upstream: "2.39.2", revision: "1.1" }],
    ["1.0-1-2", { epoch: 0, upstream: "1.0-1", revision: "2" }],
    ["1:1:1", { epoch: 1, upstream: "1:1", revision: "" }],
    ["00:1.0", { epoch: 0, upstream: "1.0", revision: "" }],
    ["+1:1.0", { epoch: 1, upstream: "1.0", revision: "" }],
    ["-0:1.0", { epoch: 0, upstream: "1.0", revision: "" }],
    ["2147483647:1", { epoch: 2147483647, upstream: "1", revision: "" }],
    [" 1.0-1\t", { epoch: 0, upstream: "1.0", revision: "1" }],
    ["1-~", { epoch: 0, upstream: "1", revision: "~" }],
  ])("splits %j", (text, expected) => {
    expect(parseDebianVersion(text)).toEqual(expected);
  });

  test.each([
    ["", "the version is empty"],
    [" \t", "the version is empty"],
    ["1 .0", "the version contains a space or tab"],
    ["1.0\t1", "the version contains a space or tab"],
    ["1.0\u00001", "the version contains a NUL character"],
    [":1.0", "the epoch before ':' is empty"],
    ["a:1.0", "the epoch before ':' is not a number"],
    ["1.0-1:2", "the epoch before ':' is not a number"],
    ["-1:1.0", "the epoch is negative"],
    ["2147483648:1", "the epoch is larger than 2147483647"],
    ["99999999999999999999:1", "the epoch is larger than 2147483647"],
    ["1:", "nothing follows the epoch's ':'"],
    ["1.0-", "the revision after the last '-' is empty"],
    ["1:-", "the revision after the last '-' is empty"],
    ["-1", "the upstream version is empty"],
    ["1:-1", "the upstream version is empty"],
  ])("rejects %j", (text, reason) => {
    let caught: unknown;
    try {
      parseDebianVersion(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidVersionError);
    const error = caught as InvalidVersionError;
    expect(error.message).toBe(`Invalid Debian version ${JSON.stringify(text)}: ${reason}.`);
    expect(error.version).toBe(text);
    expect(error.reason).toBe(reason);
    expect(error.exitCode).toBe(ExitCode.unusableInput);
  });

  test.each([
    ["a1.0", "the upstream version does not start with a digit"],
    ["~1", "the upstream version does not start with a digit"],
    ["1.0_1", 'the upstream version contains the invalid character "_"'],
    ["1.😀", 'the upstream version contains the invalid character "😀"'],
    ["1.0-a_b", 'the revision contains the invalid character "_"'],
    ["1.0-1:2a", "the epoch before ':' is not a number"],
  ])("strict mode rejects %j", (text, reason) => {
    expect(() => parseDebianVersion(text, { strict: true })).toThrow(
      `Invalid Debian version ${JSON.stringify(text)}: ${reason}.`,
    );
  });

  test("lax mode accepts what dpkg warns about", () => {
    expect(parseDebianVersion("a1.0")).toEqual({ epoch: 0, upstream: "a1.0", revision: "" });
    expect(parseDebianVersion("1.0-a_b")).toEqual({ epoch: 0, upstream: "1.0", revision: "a_b" });
  });
});

describe("tryParseDebianVersion", () => {
  test("returns null for invalid", () => {
    expect(tryParseDebianVersion("1.0-")).toBeNull();
    expect(tryParseDebianVersion("a1.0", { strict: true })).toBeNull();
  });

  test("returns the parsed version", () => {
    expect(tryParseDebianVersion("1:2.0-3")).toEqual({ epoch: 1, upstream: "2.0", revision: "3" });
  });
});

describe("compareDebianVersions", () => {
  test.each([
    ["1.0~rc1", "1.0"],
    ["1.2-3", "1.2-3+b1"],
    ["5.6.1-1", "5.6.1+really5.4.5-1"],
    ["2.39.5-0+deb12u1", "1:2.39.2-1.1"],
    ["2.7.15~rc1-1ubuntu0.1", "2.7.15-4ubuntu4~18.04"],
    ["3.4.0-1ubuntu0.1~esm1", "3.4.0-1ubuntu0.1"],
    ["245.4-4ubuntu3.24", "245.4-4ubuntu3.24+esm1"],
    ["1.2-3~bpo12+1", "1.2-3"],
  ])("domain example %s < %s", (a, b) => {
    expectBefore(a, b);
  });

  test("tilde sorts before the end of the string", () => {
    expectBefore("1.0~", "1.0");
    expectBefore("1.0~~", "1.0~");
    expectBefore("1.0~~", "1.0~~a");
    expectBefore("1.0~a", "1.0");
    expectBefore("1.0-1~", "1.0-1");
  });

  test("letters sort before other characters", () => {
    expectBefore("1.0a", "1.0+");
    expectBefore("1.0z", "1.0.");
    expectBefore("1.0Z", "1.0a");
    expectBefore("1.0", "1.0a");
  });

  test("other characters sort in ASCII order", () => {
    expectBefore("1.0+a", "1.0.a");
    expectBefore("1.0+", "1.0.");
    expectBefore("1.0%", "1.0_");
  });

  test("characters outside ASCII as dpkg on amd64", () => {
    expectBefore("1.z", "1.ä");
    expectBefore("1.ä", "1.+");
    expectBefore("1.ä", "1.€");
    expectBefore("1.\uffff", "1.😀");
  });

  test("missing revision and epoch are zero", () => {
    expectEqual("0.0.0", "0.0.0-0");
    expectEqual("0.0.0", "0.0.0-00");
    expectEqual("0.0.0-0", "0:0.0.0");
    expectEqual("1.0", "+0:1.0");
    expectBefore("1.0-0", "1.0-0.1");
  });

  test("digit runs of any length", () => {
    expectBefore("1.99999999999999999999999999", "1.100000000000000000000000000");
    expectBefore("1.9007199254740992", "1.9007199254740993");
    expectBefore("1.18446744073709551615", "1.18446744073709551616");
    expectEqual("1.000000000000000000000000000001", "1.1");
    expectBefore("1.000000000000000000000000000001", "1.0000000000000000000000000000010");
  });

  test("epoch decides first", () => {
    expectBefore("9.9", "1:0.1");
    expectBefore("1:9.9", "2:0");
    expectBefore("2147483646:1", "2147483647:0");
  });

  test("same result on repeated calls", () => {
    for (let round = 0; round < 3; round++) {
      expectBefore("1.0~rc1", "1.0");
    }
  });

  test("throws on an invalid version", () => {
    expect(() => compareDebianVersions("1.0", "1.0-")).toThrow(InvalidVersionError);
    expect(() => compareDebianVersions("", "1.0")).toThrow(
      'Invalid Debian version "": the version is empty.',
    );
  });
});

describe("compareParsedDebianVersions", () => {
  test("orders parsed versions", () => {
    const older = parseDebianVersion("2.7.15~rc1-1ubuntu0.1");
    const newer = parseDebianVersion("2.7.15-4ubuntu4~18.04");
    expect(compareParsedDebianVersions(older, newer)).toBe(-1);
    expect(compareParsedDebianVersions(newer, older)).toBe(1);
    expect(compareParsedDebianVersions(newer, newer)).toBe(0);
  });

  test("sorts a list like dpkg", () => {
    const versions = ["1.0", "1.0~rc1", "1:0.1", "1.0-0.1", "1.0+b1", "1.0~~", "0.9"];
    const sorted = versions
      .map((text) => parseDebianVersion(text))
      .sort(compareParsedDebianVersions);
    expect(sorted.map((v) => `${v.epoch}:${v.upstream}-${v.revision}`)).toEqual([
      "0:0.9-",
      "0:1.0~~-",
      "0:1.0~rc1-",
      "0:1.0-",
      "0:1.0-0.1",
      "0:1.0+b1-",
      "1:0.1-",
    ]);
  });
});
