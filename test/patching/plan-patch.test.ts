import { describe, expect, test } from "bun:test";
import type { InstalledPackage } from "../../src/inventory/installed-package.ts";
import type { CandidateVersion, PatchPolicy } from "../../src/patching/patch-plan.ts";
import { planPatch } from "../../src/patching/plan-patch.ts";
import type { Finding } from "../../src/scan/finding.ts";

function installed(
  key: string,
  version: string,
  extra: Partial<InstalledPackage> = {},
): InstalledPackage {
  const [name, arch] = key.split(":") as [string, string];
  return {
    name,
    arch,
    version,
    sourceName: extra.sourceName ?? name,
    sourceVersion: extra.sourceVersion ?? version,
    status: extra.held ? "hold ok installed" : "install ok installed",
    held: false,
    essential: false,
    ...extra,
  };
}

function finding(pkg: InstalledPackage, id: string, extra: Partial<Finding> = {}): Finding {
  return {
    package: pkg.name,
    arch: pkg.arch,
    installedVersion: pkg.version,
    sourcePackage: pkg.sourceName,
    sourceVersion: pkg.sourceVersion,
    vulnerabilityId: id,
    aliases: [],
    summary: null,
    severity: "high",
    severitySource: "debian-urgency",
    cvssScore: null,
    fixedVersion: "1.0-2",
    fixStatus: "fixed",
    proFixedVersion: null,
    ecosystem: "Debian:12",
    notes: [],
    ...extra,
  };
}

const POLICY: PatchPolicy = {
  strategy: "automatic",
  minSeverity: "low",
  unknownSeverity: "high",
  whitelist: [],
  blacklist: [],
  packageName: null,
};

function candidates(entries: Record<string, string | null | [string, string]>) {
  const map = new Map<string, CandidateVersion>();
  for (const [key, value] of Object.entries(entries)) {
    if (Array.isArray(value)) map.set(key, { version: value[0], sourceVersion: value[1] });
    else map.set(key, { version: value, sourceVersion: null });
  }
  return map;
}

const foo = installed("foo:all", "1.0-1");
const libfooAmd64 = installed("libfoo1:amd64", "1.0-1", { sourceName: "foo" });
const libfooI386 = installed("libfoo1:i386", "1.0-1", { sourceName: "foo" });
const fooDev = installed("foo-dev:amd64", "1.0-1", { sourceName: "foo" });
const FOO_BINARIES = [foo, libfooAmd64, libfooI386];
const FOO_FINDINGS = FOO_BINARIES.map((pkg) => finding(pkg, "CVE-2026-0001"));
const FOO_CANDIDATES = candidates({
  "foo:all": "1.0-2",
  "libfoo1:amd64": "1.0-2",
  "libfoo1:i386": "1.0-2",
  "foo-dev:amd64": "1.0-2",
});

const upgradeKeys = (plan: ReturnType<typeof planPatch>) =>
  plan.upgrades.map((u) => `${u.package}:${u.arch}=${u.toVersion}`).sort();
const skipped = (plan: ReturnType<typeof planPatch>) =>
  plan.skipped.map((s) => `${s.package}:${s.arch} ${s.reason}`).sort();
const remaining = (plan: ReturnType<typeof planPatch>) =>
  plan.remaining.map((r) => `${r.vulnerabilityId} ${r.reason}`).sort();

describe("planPatch", () => {
  test("upgrades every binary on every architecture", () => {
    const plan = planPatch(FOO_FINDINGS, FOO_CANDIDATES, [...FOO_BINARIES, fooDev], POLICY);
    expect(upgradeKeys(plan)).toEqual([
      "foo-dev:amd64=1.0-2",
      "foo:all=1.0-2",
      "libfoo1:amd64=1.0-2",
      "libfoo1:i386=1.0-2",
    ]);
    expect(plan.fixes.map((f) => f.vulnerabilityId)).toEqual(["CVE-2026-0001"]);
    expect(plan.fixes[0]?.packages).toEqual(["foo:all", "libfoo1:amd64", "libfoo1:i386"]);
    expect(plan.remaining).toEqual([]);
  });

  test("candidate older than the fix", () => {
    const findings = FOO_BINARIES.map((pkg) =>
      finding(pkg, "CVE-2026-0002", { fixedVersion: "1.0-3" }),
    );
    const plan = planPatch(findings, FOO_CANDIDATES, FOO_BINARIES, POLICY);
    expect(plan.upgrades).toEqual([]);
    expect(remaining(plan)).toEqual(["CVE-2026-0002 fix-not-available"]);
    expect(plan.remaining[0]?.detail).toContain("older than 1.0-3");
  });

  test("candidate fixes only some vulnerabilities", () => {
    const findings = [
      ...FOO_FINDINGS,
      ...FOO_BINARIES.map((pkg) => finding(pkg, "CVE-2026-0003", { fixedVersion: "1.0-3" })),
    ];
    const plan = planPatch(findings, FOO_CANDIDATES, FOO_BINARIES, POLICY);
    expect(upgradeKeys(plan)).toHaveLength(3);
    expect(plan.fixes.map((f) => f.vulnerabilityId)).toEqual(["CVE-2026-0001"]);
    expect(remaining(plan)).toEqual(["CVE-2026-0003 fix-not-available"]);
  });

  test("no candidate at all", () => {
    const plan = planPatch([finding(foo, "CVE-1")], candidates({ "foo:all": null }), [foo], POLICY);
    expect(plan.upgrades).toEqual([]);
    expect(plan.remaining[0]?.detail).toContain("apt has no candidate for foo:all");
  });

  test("compares the candidate's source version", () => {
    // A binary with its own version line: libldb2 2:2.6.2+samba4.17.12 from samba 2:4.17.12.
    const ldb = installed("libldb2:amd64", "2:2.6.2+samba4.17.10-0+deb12u1", {
      sourceName: "samba",
      sourceVersion: "2:4.17.10-0+deb12u1",
    });
    const plan = planPatch(
      [finding(ldb, "CVE-2026-0010", { fixedVersion: "2:4.17.12+dfsg-0+deb12u1" })],
      candidates({
        "libldb2:amd64": ["2:2.6.2+samba4.17.12+dfsg-0+deb12u1", "2:4.17.12+dfsg-0+deb12u1"],
      }),
      [ldb],
      POLICY,
    );
    expect(upgradeKeys(plan)).toEqual(["libldb2:amd64=2:2.6.2+samba4.17.12+dfsg-0+deb12u1"]);
    expect(plan.fixes).toHaveLength(1);
  });

  test("binNMU candidate reaches the fix", () => {
    const plan = planPatch(
      [finding(foo, "CVE-1")],
      candidates({ "foo:all": ["1.0-2+b1", "1.0-2"] }),
      [foo],
      POLICY,
    );
    expect(upgradeKeys(plan)).toEqual(["foo:all=1.0-2+b1"]);
  });

  test("finding already fixed is dropped", () => {
    const current = installed("foo:all", "1.0-2");
    const plan = planPatch([finding(current, "CVE-1")], FOO_CANDIDATES, [current], POLICY);
    expect(plan).toMatchObject({ upgrades: [], fixes: [], remaining: [], skipped: [] });
  });

  test("finding of a package no longer installed is dropped", () => {
    const plan = planPatch([finding(foo, "CVE-1")], FOO_CANDIDATES, [], POLICY);
    expect(plan).toMatchObject({ upgrades: [], fixes: [], remaining: [], skipped: [] });
  });

  test.each([
    ["no-fix", { fixStatus: "no-fix", fixedVersion: null }, "no fix available in Debian:12"],
    [
      "ubuntu-pro",
      { fixStatus: "ubuntu-pro", fixedVersion: null, proFixedVersion: "1.0-1ubuntu0.1+esm1" },
      "fix requires Ubuntu Pro (1.0-1ubuntu0.1+esm1)",
    ],
  ] as const)("stays when %s", (reason, extra, detail) => {
    const plan = planPatch([finding(foo, "CVE-9", extra)], FOO_CANDIDATES, [foo], POLICY);
    expect(plan.upgrades).toEqual([]);
    expect(plan.remaining).toEqual([
      {
        vulnerabilityId: "CVE-9",
        sourcePackage: "foo",
        packages: ["foo:all"],
        severity: "high",
        fixedVersion: null,
        reason,
        detail,
      },
    ]);
  });

  test("held package and its multi-arch copy", () => {
    const heldI386 = { ...libfooI386, held: true, status: "hold ok installed" };
    const findings = [foo, libfooAmd64, heldI386].map((pkg) => finding(pkg, "CVE-1"));
    const plan = planPatch(findings, FOO_CANDIDATES, [foo, libfooAmd64, heldI386], POLICY);
    expect(upgradeKeys(plan)).toEqual(["foo:all=1.0-2"]);
    expect(skipped(plan)).toEqual(["libfoo1:amd64 held", "libfoo1:i386 held"]);
    expect(plan.skipped.find((s) => s.arch === "amd64")?.detail).toContain("libfoo1:i386 is held");
    expect(remaining(plan)).toEqual(["CVE-1 package-skipped"]);
  });

  test.each([
    ["exact binary name", ["libfoo1"], ["libfoo1:amd64 blacklisted", "libfoo1:i386 blacklisted"]],
    [
      "source glob",
      ["f?o"],
      ["foo:all blacklisted", "libfoo1:amd64 blacklisted", "libfoo1:i386 blacklisted"],
    ],
    ["exact name is not a prefix", ["libfoo"], []],
  ])("blacklist by %s", (_case, blacklist, expected) => {
    const plan = planPatch(FOO_FINDINGS, FOO_CANDIDATES, FOO_BINARIES, { ...POLICY, blacklist });
    expect(skipped(plan)).toEqual(expected);
  });

  test("libc6 pattern spares libc6-dev", () => {
    const libc = installed("libc6:amd64", "2.36-9", { sourceName: "glibc" });
    const libcDev = installed("libc6-dev:amd64", "2.36-9", { sourceName: "glibc" });
    const plan = planPatch(
      [libc, libcDev].map((pkg) => finding(pkg, "CVE-2", { fixedVersion: "2.36-9+deb12u1" })),
      candidates({ "libc6:amd64": "2.36-9+deb12u1", "libc6-dev:amd64": "2.36-9+deb12u1" }),
      [libc, libcDev],
      { ...POLICY, blacklist: ["libc6"] },
    );
    expect(skipped(plan)).toEqual(["libc6:amd64 blacklisted"]);
    expect(upgradeKeys(plan)).toEqual(["libc6-dev:amd64=2.36-9+deb12u1"]);
  });

  test("whitelist", () => {
    const plan = planPatch(FOO_FINDINGS, FOO_CANDIDATES, FOO_BINARIES, {
      ...POLICY,
      whitelist: ["lib*"],
    });
    expect(upgradeKeys(plan)).toEqual(["libfoo1:amd64=1.0-2", "libfoo1:i386=1.0-2"]);
    expect(skipped(plan)).toEqual(["foo:all not-whitelisted"]);
  });

  test.each([
    ["automatic", "low", "medium", []],
    ["automatic", "high", "medium", ["below-min-severity"]],
    ["high_and_above", "low", "medium", ["excluded-by-strategy"]],
    ["high_and_above", "low", "high", []],
    ["critical_only", "low", "high", ["excluded-by-strategy"]],
    ["critical_only", "low", "critical", []],
  ] as const)(
    "strategy %s, min_severity %s, finding %s",
    (strategy, minSeverity, severity, reasons) => {
      const plan = planPatch([finding(foo, "CVE-3", { severity })], FOO_CANDIDATES, [foo], {
        ...POLICY,
        strategy,
        minSeverity,
      });
      expect(plan.skipped.map((s) => s.reason)).toEqual([...reasons]);
      expect(plan.upgrades).toHaveLength(reasons.length === 0 ? 1 : 0);
    },
  );

  test.each([
    ["high", 1],
    ["low", 0],
  ] as const)("unrated finding ranked as %s", (unknownSeverity, upgrades) => {
    const plan = planPatch(
      [finding(foo, "CVE-4", { severity: "unknown", severitySource: "none" })],
      FOO_CANDIDATES,
      [foo],
      { ...POLICY, strategy: "high_and_above", unknownSeverity },
    );
    expect(plan.upgrades).toHaveLength(upgrades);
    if (upgrades === 1) {
      expect(plan.fixes[0]).toMatchObject({ unrated: true, rankedAs: "high", severity: "unknown" });
    } else {
      expect(plan.skipped[0]?.reason).toBe("excluded-by-strategy");
    }
  });

  test("highest fixable severity decides", () => {
    const plan = planPatch(
      [finding(foo, "CVE-5", { severity: "low" }), finding(foo, "CVE-6", { severity: "critical" })],
      FOO_CANDIDATES,
      [foo],
      { ...POLICY, strategy: "critical_only" },
    );
    expect(plan.fixes.map((f) => f.vulnerabilityId)).toEqual(["CVE-5", "CVE-6"]);
  });

  test("package filter by source name", () => {
    const bar = installed("bar:amd64", "2.0-1");
    const plan = planPatch(
      [...FOO_FINDINGS, finding(bar, "CVE-7", { fixedVersion: "2.0-2" })],
      candidates({ "foo:all": "1.0-2", "libfoo1:amd64": "1.0-2", "bar:amd64": "2.0-2" }),
      [...FOO_BINARIES, bar],
      { ...POLICY, packageName: "bar" },
    );
    expect(upgradeKeys(plan)).toEqual(["bar:amd64=2.0-2"]);
  });

  test("package filter by NAME:ARCH", () => {
    // Only libfoo1:i386's findings are selected, but its whole source moves together.
    const plan = planPatch(
      [finding(foo, "CVE-2026-0002"), finding(libfooI386, "CVE-2026-0001")],
      FOO_CANDIDATES,
      FOO_BINARIES,
      { ...POLICY, packageName: "libfoo1:i386" },
    );
    expect(plan.fixes.map((fix) => fix.vulnerabilityId)).toEqual(["CVE-2026-0001"]);
    expect(upgradeKeys(plan)).toEqual([
      "foo:all=1.0-2",
      "libfoo1:amd64=1.0-2",
      "libfoo1:i386=1.0-2",
    ]);
  });
});
