import { describe, expect, test } from "bun:test";
import type { OsvAffected, OsvRecord } from "../../src/advisories/osv/osv-record.ts";
import type { InstalledPackage } from "../../src/inventory/installed-package.ts";
import { matchPackages } from "../../src/matching/match-packages.ts";
import type { Finding } from "../../src/scan/finding.ts";
import { compareDebianVersions } from "../../src/versioning/debian-version.ts";
import { handMadeRecord, installed, loadOsvFixture } from "./osv-fixtures.ts";

function match(
  ecosystem: string,
  packages: InstalledPackage[],
  records: OsvRecord[],
  now?: Date,
): Finding[] {
  return matchPackages(packages, records, { ecosystem, compare: compareDebianVersions, now });
}

function fixFields(finding: Finding | undefined) {
  return {
    fixStatus: finding?.fixStatus,
    fixedVersion: finding?.fixedVersion,
    proFixedVersion: finding?.proFixedVersion,
    ecosystem: finding?.ecosystem,
  };
}

function entry(ecosystem: string, name: string, fixed: string | null): OsvAffected {
  const events = fixed === null ? [{ introduced: "0" }] : [{ introduced: "0" }, { fixed }];
  return { package: { ecosystem, name }, ranges: [{ type: "ECOSYSTEM", events }] };
}

const NETTY_JAMMY = installed("libnetty-java", "1:4.1.48-4+deb11u2build0.22.04.1", {
  sourceName: "netty",
  arch: "all",
});

describe("Ubuntu Pro fixes in real records", () => {
  test("netty on 22.04: only Ubuntu Pro has the fix", async () => {
    const record = await loadOsvFixture("ubuntu/UBUNTU-CVE-2022-24823.json");

    const [finding] = match("Ubuntu:22.04:LTS", [NETTY_JAMMY], [record]);

    expect(fixFields(finding)).toEqual({
      fixStatus: "ubuntu-pro",
      fixedVersion: null,
      proFixedVersion: "1:4.1.48-4+deb11u2ubuntu0.1~esm1",
      ecosystem: "Ubuntu:Pro:22.04:LTS",
    });
    expect(finding?.severity).toBe("low");
    expect(finding?.severitySource).toBe("ubuntu-priority");
  });

  test("netty on 22.04 with the Pro update installed", async () => {
    const record = await loadOsvFixture("ubuntu/UBUNTU-CVE-2022-24823.json");
    const updated = {
      ...NETTY_JAMMY,
      version: "1:4.1.48-4+deb11u2ubuntu0.1~esm1",
      sourceVersion: "1:4.1.48-4+deb11u2ubuntu0.1~esm1",
    };

    expect(match("Ubuntu:22.04:LTS", [updated], [record])).toEqual([]);
  });

  test("netty on 25.10: own entry without fix", async () => {
    const record = await loadOsvFixture("ubuntu/UBUNTU-CVE-2022-24823.json");
    const netty = installed("libnetty-java", "1:4.1.48-10ubuntu0.25.10.2", {
      sourceName: "netty",
      arch: "all",
    });

    const [finding] = match("Ubuntu:25.10", [netty], [record]);

    expect(fixFields(finding)).toEqual({
      fixStatus: "no-fix",
      fixedVersion: null,
      proFixedVersion: null,
      ecosystem: "Ubuntu:25.10",
    });
  });

  test("USN-8362-1 xz-utils: Pro fix on 20.04, own fix on 22.04", async () => {
    const record = await loadOsvFixture("ubuntu/USN-8362-1.json");
    const focal = installed("liblzma5", "5.2.4-1ubuntu1.1", { sourceName: "xz-utils" });
    const jammy = installed("liblzma5", "5.2.5-2ubuntu1", { sourceName: "xz-utils" });

    const [onFocal] = match("Ubuntu:20.04:LTS", [focal], [record]);
    const [onJammy] = match("Ubuntu:22.04:LTS", [jammy], [record]);

    expect(fixFields(onFocal)).toEqual({
      fixStatus: "ubuntu-pro",
      fixedVersion: null,
      proFixedVersion: "5.2.4-1ubuntu1.1+esm1",
      ecosystem: "Ubuntu:Pro:20.04:LTS",
    });
    expect(fixFields(onJammy)).toEqual({
      fixStatus: "fixed",
      fixedVersion: "5.2.5-2ubuntu1.1",
      proFixedVersion: null,
      ecosystem: "Ubuntu:22.04:LTS",
    });
  });

  test("libcap2 on 18.04: Pro entry without fix is no-fix", async () => {
    const record = await loadOsvFixture("ubuntu/UBUNTU-CVE-2025-1390.json");
    const libcap2 = installed("libcap2", "1:2.25-1.2");

    const [finding] = match("Ubuntu:18.04:LTS", [libcap2], [record]);

    expect(fixFields(finding)).toEqual({
      fixStatus: "no-fix",
      fixedVersion: null,
      proFixedVersion: null,
      ecosystem: "Ubuntu:Pro:18.04:LTS",
    });
  });

  test("unzip on 14.04: Pro fix; on 16.04: own fix", async () => {
    const record = await loadOsvFixture("ubuntu/UBUNTU-CVE-2014-9913.json");

    const [trusty] = match("Ubuntu:14.04:LTS", [installed("unzip", "6.0-9ubuntu1.5")], [record]);
    const [xenial] = match("Ubuntu:16.04:LTS", [installed("unzip", "6.0-20ubuntu1")], [record]);

    expect(trusty?.fixStatus).toBe("ubuntu-pro");
    expect(trusty?.proFixedVersion).toBe("6.0-9ubuntu1.6");
    expect(xenial?.fixStatus).toBe("fixed");
    expect(xenial?.fixedVersion).toBe("6.0-20ubuntu1.1");
  });
});

describe("Ubuntu Pro fixes in hand-made records", () => {
  const host = "Ubuntu:22.04:LTS";
  const openssl = installed("libssl3", "3.0.2-0ubuntu1.15", { sourceName: "openssl" });

  test("own entry without fix, Pro entry with fix", () => {
    const record = handMadeRecord("UBUNTU-CVE-2026-0001", [
      entry("Ubuntu:22.04:LTS", "openssl", null),
      entry("Ubuntu:Pro:22.04:LTS", "openssl", "3.0.2-0ubuntu1.15+esm1"),
    ]);

    const [finding] = match(host, [openssl], [record]);

    expect(fixFields(finding)).toEqual({
      fixStatus: "ubuntu-pro",
      fixedVersion: null,
      proFixedVersion: "3.0.2-0ubuntu1.15+esm1",
      ecosystem: "Ubuntu:22.04:LTS",
    });
    expect(finding?.notes).toEqual([]);
  });

  test("own fix wins over a Pro fix", () => {
    const record = handMadeRecord("UBUNTU-CVE-2026-0002", [
      entry("Ubuntu:22.04:LTS", "openssl", "3.0.2-0ubuntu1.16"),
      entry("Ubuntu:Pro:22.04:LTS", "openssl", "3.0.2-0ubuntu1.15+esm1"),
    ]);

    const [finding] = match(host, [openssl], [record]);

    expect(finding?.fixStatus).toBe("fixed");
    expect(finding?.fixedVersion).toBe("3.0.2-0ubuntu1.16");
    expect(finding?.proFixedVersion).toBeNull();
  });

  test("Pro update installed on a Pro host", () => {
    const record = handMadeRecord("UBUNTU-CVE-2026-0003", [
      entry("Ubuntu:22.04:LTS", "openssl", null),
      entry("Ubuntu:Pro:22.04:LTS", "openssl", "3.0.2-0ubuntu1.15+esm1"),
    ]);
    const patched = {
      ...openssl,
      version: "3.0.2-0ubuntu1.15+esm1",
      sourceVersion: "3.0.2-0ubuntu1.15+esm1",
    };

    expect(match(host, [patched], [record])).toEqual([]);
  });

  test("FIPS fix counts, with a note", () => {
    const record = handMadeRecord("UBUNTU-CVE-2026-0004", [
      entry("Ubuntu:22.04:LTS", "openssl", null),
      entry("Ubuntu:Pro:FIPS-updates:22.04:LTS", "openssl", "3.0.2-0ubuntu1.16+Fips1"),
    ]);

    const [finding] = match(host, [openssl], [record]);

    expect(finding?.fixStatus).toBe("ubuntu-pro");
    expect(finding?.proFixedVersion).toBe("3.0.2-0ubuntu1.16+Fips1");
    expect(finding?.notes).toEqual(["fix available only in Ubuntu:Pro:FIPS-updates:22.04:LTS"]);
  });

  test("standard version above a FIPS fix is still unfixed", () => {
    const record = handMadeRecord("UBUNTU-CVE-2026-0005", [
      entry("Ubuntu:22.04:LTS", "openssl", null),
      entry("Ubuntu:Pro:FIPS:22.04:LTS", "openssl", "3.0.2-0ubuntu1.10+Fips1"),
    ]);

    const [finding] = match(host, [openssl], [record]);

    expect(finding?.fixStatus).toBe("no-fix");
    expect(finding?.proFixedVersion).toBeNull();
  });

  test("Realtime channel alone never decides", () => {
    const record = handMadeRecord("UBUNTU-CVE-2026-0006", [
      entry("Ubuntu:Pro:Realtime:22.04:LTS", "openssl", "3.0.2-0ubuntu1.16"),
    ]);

    expect(match(host, [openssl], [record])).toEqual([]);
  });

  test("Pro entry of another release never applies", () => {
    const record = handMadeRecord("UBUNTU-CVE-2026-0007", [
      entry("Ubuntu:Pro:20.04:LTS", "openssl", "3.0.2-0ubuntu1.16"),
    ]);

    expect(match(host, [openssl], [record])).toEqual([]);
  });
});

describe("Ubuntu records: releases, ratings, withdrawal", () => {
  test("Ubuntu:26.04 entry matches a 26.04 LTS host", async () => {
    const record = await loadOsvFixture("ubuntu/UBUNTU-CVE-2026-5958.json");

    const [finding] = match("Ubuntu:26.04:LTS", [installed("sed", "4.9-2ubuntu1")], [record]);

    expect(finding?.ecosystem).toBe("Ubuntu:26.04");
    expect(finding?.fixStatus).toBe("no-fix");
    expect(finding?.severity).toBe("medium");
  });

  test("curl on 22.04: fixed, rated high by Ubuntu", async () => {
    const record = await loadOsvFixture("ubuntu/UBUNTU-CVE-2023-38545.json");
    const packages = [
      installed("curl", "7.81.0-1ubuntu1.13"),
      installed("libcurl4", "7.81.0-1ubuntu1.13", { sourceName: "curl" }),
    ];

    const findings = match("Ubuntu:22.04:LTS", packages, [record]);

    expect(
      findings.map((finding) => [
        finding.package,
        finding.fixedVersion,
        finding.severity,
        finding.cvssScore,
      ]),
    ).toEqual([
      ["curl", "7.81.0-1ubuntu1.14", "high", null],
      ["libcurl4", "7.81.0-1ubuntu1.14", "high", null],
    ]);
  });

  test("USN and UBUNTU-CVE records for one flaw are two findings", async () => {
    const records = [
      await loadOsvFixture("ubuntu/USN-7287-1.json"),
      await loadOsvFixture("ubuntu/UBUNTU-CVE-2025-1390.json"),
    ];
    const libcap2 = installed("libcap2", "1:2.44-1ubuntu0.22.04.1");

    const findings = match("Ubuntu:22.04:LTS", [libcap2], records);

    expect(
      findings.map((finding) => [finding.vulnerabilityId, finding.fixedVersion, finding.severity]),
    ).toEqual([
      ["UBUNTU-CVE-2025-1390", "1:2.44-1ubuntu0.22.04.2", "medium"],
      ["USN-7287-1", "1:2.44-1ubuntu0.22.04.2", "medium"],
    ]);
  });

  test("ubuntu_priority of the entry rates the package", async () => {
    const coreutils = await loadOsvFixture("ubuntu/UBUNTU-CVE-2016-2781.json");
    const pcre3 = await loadOsvFixture("ubuntu/UBUNTU-CVE-2017-11164.json");
    const packages = [
      installed("coreutils", "8.32-4.1ubuntu1.2"),
      installed("libpcre3", "2:8.39-13ubuntu0.22.04.1", { sourceName: "pcre3" }),
    ];

    const findings = match("Ubuntu:22.04:LTS", packages, [coreutils, pcre3]);

    expect(
      findings.map((finding) => [
        finding.package,
        finding.severity,
        finding.severitySource,
        finding.fixStatus,
      ]),
    ).toEqual([
      ["coreutils", "low", "ubuntu-priority", "no-fix"],
      ["libpcre3", "low", "ubuntu-priority", "no-fix"],
    ]);
  });

  test("withdrawn UBUNTU-CVE-2014-2901 matches only before its withdrawal", async () => {
    const record = await loadOsvFixture("ubuntu/UBUNTU-CVE-2014-2901.json");
    const wolfssl = installed("libwolfssl5", "3.4.8+dfsg-1", { sourceName: "wolfssl" });

    const now = match("Ubuntu:16.04:LTS", [wolfssl], [record], new Date("2026-01-01T00:00:00Z"));
    const before = match("Ubuntu:16.04:LTS", [wolfssl], [record], new Date("2025-07-01T00:00:00Z"));

    expect(record.withdrawn).toBe("2025-08-01T19:34:27Z");
    expect(now).toEqual([]);
    expect(before.map((finding) => finding.fixStatus)).toEqual(["no-fix"]);
  });
});
