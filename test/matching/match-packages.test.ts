import { describe, expect, test } from "bun:test";
import type { OsvRecord } from "../../src/advisories/osv/osv-record.ts";
import type { InstalledPackage } from "../../src/inventory/installed-package.ts";
import { type MatchOptions, matchPackages } from "../../src/matching/match-packages.ts";
import { isCortexError } from "../../src/platform/errors.ts";
import type { Finding } from "../../src/scan/finding.ts";
import { compareDebianVersions } from "../../src/versioning/debian-version.ts";
import { handMadeRecord, installed, loadOsvFixture } from "./osv-fixtures.ts";

const DEBIAN_12: MatchOptions = { ecosystem: "Debian:12", compare: compareDebianVersions };

function debianRecord(
  id: string,
  source: string,
  fixed: string | null,
  ecosystem = "Debian:12",
): OsvRecord {
  const events = fixed === null ? [{ introduced: "0" }] : [{ introduced: "0" }, { fixed }];
  return handMadeRecord(id, [
    { package: { ecosystem, name: source }, ranges: [{ type: "ECOSYSTEM", events }] },
  ]);
}

function summarize(findings: Finding[]): string[] {
  return findings.map(
    (finding) =>
      `${finding.package}:${finding.arch} ${finding.vulnerabilityId} ${finding.fixStatus} ${finding.fixedVersion}`,
  );
}

// Installed packages with their real versions from the dpkg status of a
// Debian 12 host; the changelog-derived records were built on that host.
const DEBIAN_12_HOST: InstalledPackage[] = [
  installed("apt", "2.6.1"),
  installed("libapt-pkg6.0", "2.6.1", { sourceName: "apt" }),
  installed("libcap2", "1:2.66-4+deb12u2+b2", { sourceVersion: "1:2.66-4+deb12u2" }),
  installed("libcap2-bin", "1:2.66-4+deb12u2+b2", {
    sourceName: "libcap2",
    sourceVersion: "1:2.66-4+deb12u2",
  }),
  installed("libexpat1", "2.5.0-1+deb12u1", { sourceName: "expat" }),
  installed("libexpat1-dev", "2.5.0-1+deb12u1", { sourceName: "expat" }),
  installed("libpython3.11-minimal", "3.11.2-6+deb12u6", { sourceName: "python3.11" }),
  installed("libssh2-1", "1.10.0-3+b1", { sourceName: "libssh2", sourceVersion: "1.10.0-3" }),
  installed("libx11-6", "2:1.8.4-2+deb12u2", { sourceName: "libx11" }),
  installed("libxpm4", "1:3.5.12-1.1+deb12u1", { sourceName: "libxpm" }),
  installed("linux-libc-dev", "6.1.187-1", { sourceName: "linux" }),
  installed("linux-perf", "6.1.187-1", { sourceName: "linux" }),
  installed("openssh-client", "1:9.2p1-2+deb12u6", { sourceName: "openssh" }),
  installed("python3.11", "3.11.2-6+deb12u6"),
];

const CHANGELOG_RECORDS = [
  "CVE-2006-4262",
  "CVE-2020-3810",
  "CVE-2021-28041",
  "CVE-2023-43786",
  "CVE-2023-52425",
  "CVE-2024-24858",
  "CVE-2026-4878",
  "CVE-2026-66032",
  "CVE-2026-90167",
];

async function loadChangelogRecords(): Promise<OsvRecord[]> {
  return Promise.all(
    CHANGELOG_RECORDS.map((id) => loadOsvFixture(`debian12-changelogs/${id}.json`)),
  );
}

describe("matchPackages on a Debian 12 host", () => {
  test("finds each affected binary of each affected source", async () => {
    const findings = matchPackages(DEBIAN_12_HOST, await loadChangelogRecords(), DEBIAN_12);

    expect(summarize(findings)).toEqual([
      "libcap2:amd64 CVE-2026-4878 fixed 1:2.66-4+deb12u3",
      "libcap2-bin:amd64 CVE-2026-4878 fixed 1:2.66-4+deb12u3",
      "libexpat1:amd64 CVE-2023-52425 fixed 2.5.0-1+deb12u2",
      "libexpat1-dev:amd64 CVE-2023-52425 fixed 2.5.0-1+deb12u2",
      "libpython3.11-minimal:amd64 CVE-2023-52425 fixed 3.11.2-6+deb12u8",
      "libssh2-1:amd64 CVE-2026-66032 fixed 1.10.0-3+deb12u1",
      "linux-libc-dev:amd64 CVE-2026-90167 fixed 6.1.192-1",
      "linux-perf:amd64 CVE-2026-90167 fixed 6.1.192-1",
      "python3.11:amd64 CVE-2023-52425 fixed 3.11.2-6+deb12u8",
    ]);
  });

  test("installed version equal to the fixed version is not affected", async () => {
    const record = await loadOsvFixture("debian12-changelogs/CVE-2023-43786.json");

    const findings = matchPackages(DEBIAN_12_HOST, [record], DEBIAN_12);

    expect(record.affected?.map((entry) => entry.ranges?.[0]?.events[1]?.fixed)).toEqual([
      "2:1.8.4-2+deb12u2",
      "1:3.5.12-1.1+deb12u1",
    ]);
    expect(findings).toEqual([]);
  });

  test("binNMU binary is judged by its source version", async () => {
    const record = await loadOsvFixture("debian12-changelogs/CVE-2026-4878.json");

    const [finding] = matchPackages(DEBIAN_12_HOST, [record], DEBIAN_12);

    expect(finding?.package).toBe("libcap2");
    expect(finding?.installedVersion).toBe("1:2.66-4+deb12u2+b2");
    expect(finding?.sourcePackage).toBe("libcap2");
    expect(finding?.sourceVersion).toBe("1:2.66-4+deb12u2");
  });

  test("finding carries record, rating and ecosystem fields", async () => {
    const record = await loadOsvFixture("debian12-changelogs/CVE-2026-66032.json");

    const [finding] = matchPackages(DEBIAN_12_HOST, [record], DEBIAN_12);

    expect(finding).toEqual({
      package: "libssh2-1",
      arch: "amd64",
      installedVersion: "1.10.0-3+b1",
      sourcePackage: "libssh2",
      sourceVersion: "1.10.0-3",
      vulnerabilityId: "CVE-2026-66032",
      aliases: [],
      upstream: [],
      summary: record.summary ?? null,
      severity: "high",
      severitySource: "debian-urgency",
      cvssScore: null,
      fixedVersion: "1.10.0-3+deb12u1",
      fixStatus: "fixed",
      proFixedVersion: null,
      ecosystem: "Debian:12",
      notes: [],
    });
  });

  test("binary version higher than the fix does not hide a source below it", () => {
    // libldb2 carries its own version line; its source samba is what the record names.
    const libldb2 = installed("libldb2", "2:2.6.2+samba4.17.12+dfsg-0+deb12u1", {
      sourceName: "samba",
      sourceVersion: "2:4.17.12+dfsg-0+deb12u1",
    });
    const fixedInSource = debianRecord("DSA-0001-1", "samba", "2:4.17.12+dfsg-0+deb12u1");
    const fixedLater = debianRecord("DSA-0002-1", "samba", "2:4.17.12+dfsg-0+deb12u2");

    const findings = matchPackages([libldb2], [fixedInSource, fixedLater], DEBIAN_12);

    expect(summarize(findings)).toEqual([
      "libldb2:amd64 DSA-0002-1 fixed 2:4.17.12+dfsg-0+deb12u2",
    ]);
  });

  test("records name sources, not binaries", () => {
    const libssl3 = installed("libssl3", "3.0.9-1", { sourceName: "openssl" });

    const findings = matchPackages(
      [libssl3],
      [debianRecord("DSA-0003-1", "libssl3", "3.0.11-1")],
      DEBIAN_12,
    );

    expect(findings).toEqual([]);
  });

  test("each architecture of a multi-arch binary is a finding", () => {
    const packages = [
      installed("libssl3", "3.0.9-1", { sourceName: "openssl", arch: "amd64" }),
      installed("libssl3", "3.0.9-1", { sourceName: "openssl", arch: "i386" }),
    ];

    const findings = matchPackages(
      packages,
      [debianRecord("DSA-0004-1", "openssl", "3.0.11-1~deb12u2")],
      DEBIAN_12,
    );

    expect(summarize(findings)).toEqual([
      "libssl3:amd64 DSA-0004-1 fixed 3.0.11-1~deb12u2",
      "libssl3:i386 DSA-0004-1 fixed 3.0.11-1~deb12u2",
    ]);
  });

  test("binaries of one source at different versions are judged apart", () => {
    const packages = [
      installed("libssl3", "3.0.11-1~deb12u2", { sourceName: "openssl", arch: "amd64" }),
      installed("libssl3", "3.0.9-1", {
        sourceName: "openssl",
        arch: "i386",
        held: true,
        status: "hold ok installed",
      }),
      installed("openssl", "3.0.11-1~deb12u2"),
    ];

    const findings = matchPackages(
      packages,
      [debianRecord("DSA-0005-1", "openssl", "3.0.11-1~deb12u2")],
      DEBIAN_12,
    );

    expect(summarize(findings)).toEqual(["libssl3:i386 DSA-0005-1 fixed 3.0.11-1~deb12u2"]);
  });

  test("entry without fix is a no-fix finding", () => {
    const findings = matchPackages(
      [installed("zlib1g", "1:1.2.13.dfsg-1", { sourceName: "zlib" })],
      [debianRecord("DEBIAN-CVE-0000-0001", "zlib", null)],
      DEBIAN_12,
    );

    expect(findings).toHaveLength(1);
    expect(findings[0]?.fixStatus).toBe("no-fix");
    expect(findings[0]?.fixedVersion).toBeNull();
    expect(findings[0]?.proFixedVersion).toBeNull();
  });
});

describe("matchPackages ecosystem selection", () => {
  test("CVE-2025-26519 applies only through the host's Debian entry", async () => {
    const record = await loadOsvFixture("osv-api/CVE-2025-26519.json");
    const cases: { ecosystem: string; version: string; expected: string[] }[] = [
      {
        ecosystem: "Debian:12",
        version: "1.2.3-1",
        expected: ["musl:amd64 CVE-2025-26519 no-fix null"],
      },
      {
        ecosystem: "Debian:11",
        version: "1.2.2-1",
        expected: ["musl:amd64 CVE-2025-26519 no-fix null"],
      },
      {
        ecosystem: "Debian:13",
        version: "1.2.5-1",
        expected: ["musl:amd64 CVE-2025-26519 fixed 1.2.5-2"],
      },
      { ecosystem: "Debian:13", version: "1.2.5-2", expected: [] },
      { ecosystem: "Debian:10", version: "1.1.21-2", expected: [] },
      { ecosystem: "Ubuntu:22.04:LTS", version: "1.2.2-4", expected: [] },
    ];

    for (const { ecosystem, version, expected } of cases) {
      const findings = matchPackages([installed("musl", version)], [record], {
        ecosystem,
        compare: compareDebianVersions,
      });
      expect({ ecosystem, findings: summarize(findings) }).toEqual({
        ecosystem,
        findings: expected,
      });
    }
  });

  test("CVE-2025-26519 on Debian 12 uses the Debian entry's urgency", async () => {
    const record = await loadOsvFixture("osv-api/CVE-2025-26519.json");

    const [finding] = matchPackages([installed("musl", "1.2.3-1")], [record], DEBIAN_12);

    expect(finding?.ecosystem).toBe("Debian:12");
    expect(finding?.severity).toBe("unknown");
    expect(finding?.severitySource).toBe("none");
  });

  test("Alpine-only CVE-2022-27449 never matches a Debian mariadb", async () => {
    const record = await loadOsvFixture("other/CVE-2022-27449.json");
    const mariadb = installed("mariadb-server", "1:10.11.6-0+deb12u1", { sourceName: "mariadb" });

    expect(matchPackages([mariadb], [record], DEBIAN_12)).toEqual([]);
  });

  test("GIT entry of CVE-2025-26519 never decides alone", async () => {
    const record = await loadOsvFixture("osv-api/CVE-2025-26519.json");
    const gitOnly: OsvRecord = {
      ...record,
      affected: record.affected?.filter((entry) => entry.package === undefined),
    };

    expect(matchPackages([installed("musl", "1.2.3-1")], [gitOnly], DEBIAN_12)).toEqual([]);
  });

  test("DLA-3008-1 applies to Debian 9 only", async () => {
    const record = await loadOsvFixture("debian/DLA-3008-1.json");
    const openssl = installed("openssl", "1.1.0l-1~deb9u5");

    const onDebian9 = matchPackages([openssl], [record], {
      ecosystem: "Debian:9",
      compare: compareDebianVersions,
    });
    const onDebian12 = matchPackages([openssl], [record], DEBIAN_12);

    expect(summarize(onDebian9)).toEqual(["openssl:amd64 DLA-3008-1 fixed 1.1.0l-1~deb9u6"]);
    expect(onDebian12).toEqual([]);
  });
});

describe("matchPackages record fields", () => {
  test("aliases come from aliases, not upstream", async () => {
    const dsa = await loadOsvFixture("debian/DSA-3029-1.json");
    const dla = await loadOsvFixture("debian/DLA-3008-1.json");
    const nginx = installed("nginx", "1.2.1-2.2+wheezy2");
    const openssl = installed("openssl", "1.1.0l-1~deb9u5");

    const [dsaFinding] = matchPackages([nginx], [dsa], {
      ecosystem: "Debian:7",
      compare: compareDebianVersions,
    });
    const [dlaFinding] = matchPackages([openssl], [dla], {
      ecosystem: "Debian:9",
      compare: compareDebianVersions,
    });

    expect(dsaFinding?.aliases).toEqual(["CVE-2014-3616"]);
    expect(dsaFinding?.summary).toBe("nginx - security update");
    expect(dla.upstream).toContain("CVE-2022-1292");
    expect(dlaFinding?.aliases).toEqual([]);
  });

  test("aliases are unique and exclude the record's own id", () => {
    const record = {
      ...debianRecord("DSA-0006-1", "zlib", "1:1.3-1"),
      aliases: ["CVE-2026-0001", "DSA-0006-1", "CVE-2026-0001", "CVE-2026-0002"],
    };

    const [finding] = matchPackages(
      [installed("zlib1g", "1:1.2.13.dfsg-1", { sourceName: "zlib" })],
      [record],
      DEBIAN_12,
    );

    expect(finding?.aliases).toEqual(["CVE-2026-0001", "CVE-2026-0002"]);
  });

  test("withdrawn records do not match", () => {
    const record = {
      ...debianRecord("DSA-0007-1", "zlib", null),
      withdrawn: "2026-03-01T00:00:00Z",
    };
    const zlib = installed("zlib1g", "1:1.2.13.dfsg-1", { sourceName: "zlib" });

    const withoutClock = matchPackages([zlib], [record], DEBIAN_12);
    const afterWithdrawal = matchPackages([zlib], [record], {
      ...DEBIAN_12,
      now: new Date("2026-03-02T00:00:00Z"),
    });
    const beforeWithdrawal = matchPackages([zlib], [record], {
      ...DEBIAN_12,
      now: new Date("2026-02-01T00:00:00Z"),
    });

    expect(withoutClock).toEqual([]);
    expect(afterWithdrawal).toEqual([]);
    expect(beforeWithdrawal).toHaveLength(1);
  });

  test("duplicate records and packages give one finding", () => {
    const record = debianRecord("DSA-0008-1", "zlib", "1:1.3-1");
    const zlib = installed("zlib1g", "1:1.2.13.dfsg-1", { sourceName: "zlib" });

    const findings = matchPackages([zlib, zlib], [record, record], DEBIAN_12);

    expect(summarize(findings)).toEqual(["zlib1g:amd64 DSA-0008-1 fixed 1:1.3-1"]);
  });

  test("same CVE rated per source package", () => {
    const record = handMadeRecord("DEBIAN-CVE-2026-0003", [
      {
        package: { ecosystem: "Debian:12", name: "expat" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }],
        ecosystem_specific: { urgency: "low" },
      },
      {
        package: { ecosystem: "Debian:12", name: "python3.11" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }],
        ecosystem_specific: { urgency: "unimportant" },
      },
      {
        package: { ecosystem: "Debian:12", name: "firefox-esr" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }],
        ecosystem_specific: { urgency: "high**" },
      },
    ]);
    const packages = [
      installed("libexpat1", "2.5.0-1+deb12u1", { sourceName: "expat" }),
      installed("python3.11", "3.11.2-6+deb12u6"),
      installed("firefox-esr", "115.9.1esr-1~deb12u1"),
    ];

    const findings = matchPackages(packages, [record], DEBIAN_12);

    expect(
      findings.map((finding) => [finding.package, finding.severity, finding.severitySource]),
    ).toEqual([
      ["firefox-esr", "high", "debian-urgency"],
      ["libexpat1", "low", "debian-urgency"],
      ["python3.11", "low", "debian-urgency"],
    ]);
  });

  test("CVSS vector rates a record without distro rating", () => {
    const record = {
      ...debianRecord("CVE-2026-0004", "zlib", null),
      severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H" }],
    };

    const [finding] = matchPackages(
      [installed("zlib1g", "1:1.2.13.dfsg-1", { sourceName: "zlib" })],
      [record],
      DEBIAN_12,
    );

    expect(finding?.severity).toBe("high");
    expect(finding?.severitySource).toBe("osv-cvss");
    expect(finding?.cvssScore).toBe(8.8);
  });

  test("invalid installed version fails with the package and record named", () => {
    let caught: unknown;
    try {
      matchPackages(
        [installed("zlib1g", "1:", { sourceName: "zlib" })],
        [debianRecord("DSA-0009-1", "zlib", "1:1.3-1")],
        DEBIAN_12,
      );
    } catch (error) {
      caught = error;
    }

    expect(isCortexError(caught)).toBe(true);
    expect((caught as Error).message).toContain("zlib");
    expect((caught as Error).message).toContain("zlib1g:amd64");
    expect((caught as Error).message).toContain("DSA-0009-1");
  });
});
