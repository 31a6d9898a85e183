import { describe, expect, test } from "bun:test";
import type { OsvRecord } from "../../src/advisories/osv/osv-record.ts";
import {
  BACKPORT_NOTE,
  DERIVATIVE_NOTE,
  KERNEL_NOT_RUNNING_NOTE,
  rebootRequiredNote,
} from "../../src/matching/finding-notes.ts";
import { matchPackages } from "../../src/matching/match-packages.ts";
import { compareDebianVersions } from "../../src/versioning/debian-version.ts";
import { handMadeRecord, installed } from "./osv-fixtures.ts";

function debianRecord(id: string, source: string, fixed: string | null): OsvRecord {
  const events = fixed === null ? [{ introduced: "0" }] : [{ introduced: "0" }, { fixed }];
  return handMadeRecord(id, [
    { package: { ecosystem: "Debian:12", name: source }, ranges: [{ type: "ECOSYSTEM", events }] },
  ]);
}

describe("kernel findings", () => {
  const record = debianRecord("DSA-5000-1", "linux", "6.1.106-1");
  const kernels = [
    installed("linux-image-6.1.0-17-amd64", "6.1.69-1", { sourceName: "linux" }),
    installed("linux-image-6.1.0-17-amd64-dbg", "6.1.69-1", { sourceName: "linux" }),
    installed("linux-image-6.1.0-18-amd64", "6.1.76-1", { sourceName: "linux" }),
    installed("linux-image-6.1.0-18-amd64-unsigned", "6.1.76-1", { sourceName: "linux" }),
    installed("linux-image-amd64", "6.1.76-1", { sourceName: "linux" }),
  ];

  function notesByPackage(runningKernelRelease: string | null | undefined): [string, string[]][] {
    const findings = matchPackages(kernels, [record], {
      ecosystem: "Debian:12",
      compare: compareDebianVersions,
      runningKernelRelease,
    });
    return findings.map((finding) => [finding.package, finding.notes]);
  }

  test("only the running kernel lacks the not-running note", () => {
    expect(notesByPackage("6.1.0-18-amd64")).toEqual([
      ["linux-image-6.1.0-17-amd64", [KERNEL_NOT_RUNNING_NOTE]],
      ["linux-image-6.1.0-17-amd64-dbg", []],
      ["linux-image-6.1.0-18-amd64", []],
      ["linux-image-6.1.0-18-amd64-unsigned", []],
      ["linux-image-amd64", []],
    ]);
  });

  test("no kernel note when the running kernel is unknown", () => {
    const expected: [string, string[]][] = kernels.map((kernel) => [kernel.name, []]);
    expect(notesByPackage(null)).toEqual(expected);
    expect(notesByPackage(undefined)).toEqual(expected);
  });

  test("every other image gets the note", () => {
    expect(notesByPackage("6.1.0-99-amd64")).toEqual([
      ["linux-image-6.1.0-17-amd64", [KERNEL_NOT_RUNNING_NOTE]],
      ["linux-image-6.1.0-17-amd64-dbg", []],
      ["linux-image-6.1.0-18-amd64", [KERNEL_NOT_RUNNING_NOTE]],
      ["linux-image-6.1.0-18-amd64-unsigned", [KERNEL_NOT_RUNNING_NOTE]],
      ["linux-image-amd64", []],
    ]);
  });
});

describe("reboot-required notes", () => {
  const running = installed("linux-image-6.1.0-17-amd64", "6.1.69-1", { sourceName: "linux" });
  const newer = installed("linux-image-6.1.0-18-amd64", "6.1.76-1", { sourceName: "linux" });

  function notesOf(record: OsvRecord, packages = [running, newer]): [string, string[]][] {
    const findings = matchPackages(packages, [record], {
      ecosystem: "Debian:12",
      compare: compareDebianVersions,
      runningKernelRelease: "6.1.0-17-amd64",
    });
    return findings.map((finding) => [finding.package, finding.notes]);
  }

  test("newer fixed image means reboot required", () => {
    const notes = notesOf(debianRecord("DSA-5001-1", "linux", "6.1.76-1"));

    expect(notes).toEqual([["linux-image-6.1.0-17-amd64", [rebootRequiredNote(newer)]]]);
    expect(rebootRequiredNote(newer)).toBe(
      "reboot required: the fixed kernel linux-image-6.1.0-18-amd64 6.1.76-1 is installed but not running",
    );
  });

  test("newer image still affected: no reboot note", () => {
    const notes = notesOf(debianRecord("DSA-5002-1", "linux", "6.1.85-1"));

    expect(notes).toEqual([
      ["linux-image-6.1.0-17-amd64", []],
      ["linux-image-6.1.0-18-amd64", [KERNEL_NOT_RUNNING_NOTE]],
    ]);
  });

  test("image of another source is not judged", () => {
    const signed = { ...newer, sourceName: "linux-signed-amd64", sourceVersion: "6.1.76+1" };

    const notes = notesOf(debianRecord("DSA-5003-1", "linux", "6.1.76-1"), [running, signed]);

    expect(notes).toEqual([["linux-image-6.1.0-17-amd64", []]]);
  });

  test("unknown running kernel: no reboot note", () => {
    const findings = matchPackages(
      [running, newer],
      [debianRecord("DSA-5004-1", "linux", "6.1.76-1")],
      {
        ecosystem: "Debian:12",
        compare: compareDebianVersions,
        runningKernelRelease: null,
      },
    );

    expect(findings.map((finding) => [finding.package, finding.notes])).toEqual([
      ["linux-image-6.1.0-17-amd64", []],
    ]);
  });
});

describe("needs-review notes", () => {
  const options = { ecosystem: "Debian:12", compare: compareDebianVersions };

  test("backport is reported per the record with a note", () => {
    // Version as installed on a Debian 12 host from bookworm-backports.
    const osslsigncode = installed("osslsigncode", "2.9-1~bpo12+1");

    const findings = matchPackages(
      [osslsigncode],
      [debianRecord("DEBIAN-CVE-2026-0010", "osslsigncode", "2.9-2")],
      options,
    );

    expect(
      findings.map((finding) => [finding.fixStatus, finding.fixedVersion, finding.notes]),
    ).toEqual([["fixed", "2.9-2", [BACKPORT_NOTE]]]);
    expect(BACKPORT_NOTE).toStartWith("needs review");
  });

  test("backport outside the record's range is not a finding", () => {
    const osslsigncode = installed("osslsigncode", "2.9-1~bpo12+1");

    expect(
      matchPackages(
        [osslsigncode],
        [debianRecord("DEBIAN-CVE-2026-0011", "osslsigncode", "2.5-4")],
        options,
      ),
    ).toEqual([]);
  });

  test("derivative rebuilds with +rpt or +rpi get a note", () => {
    const packages = [
      installed("linux-libc-dev", "1:6.6.31-1+rpt1", { sourceName: "linux" }),
      installed("libc6", "2.36-9+rpi1+deb12u4", { sourceName: "glibc" }),
    ];
    const records = [
      debianRecord("DEBIAN-CVE-2026-0012", "linux", null),
      debianRecord("DEBIAN-CVE-2026-0013", "glibc", null),
    ];

    const findings = matchPackages(packages, records, options);

    expect(findings.map((finding) => [finding.package, finding.notes])).toEqual([
      ["libc6", [DERIVATIVE_NOTE]],
      ["linux-libc-dev", [DERIVATIVE_NOTE]],
    ]);
    expect(DERIVATIVE_NOTE).toStartWith("needs review");
  });

  test("plain Debian versions get no note", () => {
    const findings = matchPackages(
      [installed("zlib1g", "1:1.2.13.dfsg-1", { sourceName: "zlib" })],
      [debianRecord("DSA-0001-1", "zlib", null)],
      options,
    );

    expect(findings[0]?.notes).toEqual([]);
  });
});
