import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { compareDebianVersions } from "../../src/versioning/debian-version.ts";
import { type CliResult, runCli } from "../helpers/cli-harness.ts";

const DEBIAN_12 = 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';

const STATUS = `Package: libssl3
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: 3.0.11-1~deb12u2

Package: libssl3
Status: hold ok installed
Architecture: i386
Multi-Arch: same
Source: openssl
Version: 3.0.11-1~deb12u2

Package: openssl
Status: install ok installed
Architecture: amd64
Version: 3.0.11-1~deb12u2

Package: cron
Status: deinstall ok config-files
Architecture: amd64
Version: 3.0pl1-162

Package: libldb2
Status: install ok installed
Architecture: amd64
Source: samba (2:4.17.12+dfsg-0+deb12u1)
Version: 2:2.6.2+samba4.17.12+dfsg-0+deb12u1

Package: bash
Status: install ok installed
Architecture: amd64
Version: 5.2.15-2+b2
`;

function record(id: string, name: string, fixed: string | null, urgency?: string) {
  const events: Record<string, string>[] = [{ introduced: "0" }];
  if (fixed) events.push({ fixed });
  return {
    id,
    modified: "2026-11-30T00:00:00Z",
    affected: [
      {
        package: { ecosystem: "Debian:12", name },
        ranges: [{ type: "ECOSYSTEM", events }],
        ...(urgency ? { ecosystem_specific: { urgency } } : {}),
      },
    ],
  };
}

const RECORDS = [
  record("CVE-2024-0001", "openssl", "3.0.13-1~deb12u1", "high"),
  record("CVE-2024-0002", "openssl", "3.0.11-1~deb12u2", "high"),
  record("CVE-2024-0003", "samba", "2:4.17.12+dfsg-0+deb12u2", "emergency"),
  record("CVE-2024-0004", "bash", null, "unimportant"),
  record("CVE-2024-0005", "cron", "3.0pl1-200", "high"),
  { ...record("CVE-2024-0006", "openssl", "3.0.13-1~deb12u1"), severity: [] },
  {
    ...record("CVE-2024-0007", "libssl3", "9.9-1", "high"),
  },
];

let work = "";
let root = "";
let recordsDir = "";
let configDir = "";

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "cortex-scan-cli-"));
  root = join(work, "root");
  mkdirSync(join(root, "var/lib/dpkg"), { recursive: true });
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(join(root, "var/lib/dpkg/status"), STATUS);
  writeFileSync(join(root, "etc/os-release"), DEBIAN_12);
  recordsDir = join(work, "records");
  mkdirSync(recordsDir);
  for (const item of RECORDS)
    writeFileSync(join(recordsDir, `${item.id}.json`), JSON.stringify(item));
  configDir = join(work, "config");
  mkdirSync(configDir);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

let dataDirCount = 0;
/**
 * Clock of these tests: a few days after the hand-made records' `modified`, so that the
 * data is fresh whatever day the tests run.
 */
const NOW = new Date("2026-12-01T12:00:00Z");

async function importedDataDir(now = NOW): Promise<string> {
  const dataDir = join(work, `data-${dataDirCount++}`);
  const result = await runCli(["security", "db", "import", recordsDir, "--data-dir", dataDir], {
    env: { CORTEX_CONFIG_DIR: configDir },
    now: () => now,
  });
  expect(result.exitCode).toBe(0);
  return dataDir;
}

function scan(dataDir: string, extra: string[] = [], now = NOW): Promise<CliResult> {
  return runCli(
    ["security", "scan", "--root", root, "--offline", "--data-dir", dataDir, ...extra],
    { env: { CORTEX_CONFIG_DIR: configDir }, now: () => now },
  );
}

function triples(result: CliResult): string[] {
  const document = JSON.parse(result.stdout);
  return document.findings
    .map(
      (f: { package: string; arch: string; vulnerabilityId: string }) =>
        `${f.package}:${f.arch} ${f.vulnerabilityId}`,
    )
    .sort();
}

describe("scan command", () => {
  test("matches by source name and source version", async () => {
    const result = await scan(await importedDataDir(), ["--json"]);
    expect(result.exitCode).toBe(0);
    expect(triples(result)).toEqual([
      "bash:amd64 CVE-2024-0004",
      "libldb2:amd64 CVE-2024-0003",
      "libssl3:amd64 CVE-2024-0001",
      "libssl3:amd64 CVE-2024-0006",
      "libssl3:i386 CVE-2024-0001",
      "libssl3:i386 CVE-2024-0006",
      "openssl:amd64 CVE-2024-0001",
      "openssl:amd64 CVE-2024-0006",
    ]);
  });

  test("JSON has the documented fields", async () => {
    const result = await scan(await importedDataDir(), ["--json"]);
    const document = JSON.parse(result.stdout);
    expect(document.complete).toBe(true);
    expect(document.ecosystem).toBe("Debian:12");
    expect(document.dataStale).toBe(false);
    expect(typeof document.dataAgeSeconds).toBe("number");
    const finding = document.findings.find(
      (f: { package: string; vulnerabilityId: string }) =>
        f.package === "bash" && f.vulnerabilityId === "CVE-2024-0004",
    );
    expect(finding.fixedVersion).toBeNull();
    expect(finding.fixStatus).toBe("no-fix");
    expect(finding.severity).toBe("low");
    expect(finding.severitySource).toBe("debian-urgency");
    const samba = document.findings.find((f: { package: string }) => f.package === "libldb2");
    expect(samba.severity).toBe("critical");
    expect(samba.sourceVersion).toBe("2:4.17.12+dfsg-0+deb12u1");
    expect(samba.installedVersion).toBe("2:2.6.2+samba4.17.12+dfsg-0+deb12u1");
  });

  test("counts add up to the total", async () => {
    const result = await scan(await importedDataDir(), ["--json"]);
    const document = JSON.parse(result.stdout);
    const sum = Object.values(document.counts as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(sum).toBe(document.total);
    expect(document.counts.unknown).toBe(3);
  });

  test("empty database is exit 3, not clean", async () => {
    const result = await scan(join(work, "empty-data"), ["--json"]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("no advisory data for Debian:12");
    expect(result.stdout).toBe("");
  });

  test("--fail-on high exits 1", async () => {
    const result = await scan(await importedDataDir(), ["--fail-on", "high"]);
    expect(result.exitCode).toBe(1);
  });

  test("--fail-on counts unrated findings", async () => {
    const result = await scan(await importedDataDir(), [
      "--fail-on",
      "critical",
      "--package",
      "openssl",
    ]);
    expect(result.exitCode).toBe(1);
  });

  test("--critical keeps critical findings", async () => {
    const result = await scan(await importedDataDir(), ["--critical", "--json"]);
    expect(triples(result)).toEqual(["libldb2:amd64 CVE-2024-0003"]);
  });

  test("--severity filters and rejects bad values", async () => {
    const dataDir = await importedDataDir();
    const filtered = await scan(dataDir, ["--severity", "low,unknown", "--json"]);
    expect(JSON.parse(filtered.stdout).total).toBe(4);
    const invalid = await scan(dataDir, ["--severity", "severe"]);
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toContain('invalid --severity value "severe"');
  });

  test("filter names the unrated findings it hides", async () => {
    const dataDir = await importedDataDir();
    const critical = await scan(dataDir, ["--critical", "--json"]);
    const withUnknown = await scan(dataDir, ["--severity", "critical,unknown", "--json"]);

    expect(JSON.parse(critical.stdout).warnings).toContain(
      "3 unrated findings (severity unknown) are hidden by --critical: use --severity with unknown in the list to show them",
    );
    expect(critical.stderr).toContain("3 unrated findings (severity unknown) are hidden");
    expect(JSON.parse(withUnknown.stdout).counts.unknown).toBe(3);
    expect(JSON.parse(withUnknown.stdout).warnings).toEqual([]);
  });

  test("--fail-on counts findings the filter hides", async () => {
    const result = await scan(await importedDataDir(), [
      "--critical",
      "--fail-on",
      "critical",
      "--package",
      "openssl",
      "--json",
    ]);

    expect(JSON.parse(result.stdout).total).toBe(0);
    expect(result.exitCode).toBe(1);
  });

  test("--package by binary or source name", async () => {
    const dataDir = await importedDataDir();
    const bySource = await scan(dataDir, ["--package", "samba", "--json"]);
    expect(triples(bySource)).toEqual(["libldb2:amd64 CVE-2024-0003"]);
    const missing = await scan(dataDir, ["--package", "cron"]);
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toContain("cron is not installed");
  });

  test("--package NAME:ARCH picks one architecture", async () => {
    const result = await scan(await importedDataDir(), ["--package", "libssl3:i386", "--json"]);
    expect(result.exitCode).toBe(0);
    expect(triples(result)).toEqual(["libssl3:i386 CVE-2024-0001", "libssl3:i386 CVE-2024-0006"]);
  });

  test("empty --package is a usage error", async () => {
    const result = await scan(await importedDataDir(), ["--package", ""]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--package needs a package name");
  });

  test("--all with --package is a usage error", async () => {
    const result = await scan(await importedDataDir(), ["--all", "--package", "bash"]);
    expect(result.exitCode).toBe(2);
  });

  test("stale data warns in every output", async () => {
    const tenDaysAgo = new Date(NOW.getTime() - 10 * 86_400_000);
    const dataDir = await importedDataDir(tenDaysAgo);
    const json = await scan(dataDir, ["--json"]);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout).dataStale).toBe(true);
    expect(JSON.parse(json.stdout).warnings.join(" ")).toContain("10 days old");
    expect(json.stderr).toContain("warning: the advisory data is 10 days old");
    const text = await scan(dataDir);
    expect(text.stdout).toContain("STALE");
  });

  test("text output has counts, table and data age", async () => {
    const result = await scan(await importedDataDir());
    expect(result.stdout).toContain("Findings: 8 (critical 1, high 3, medium 0, low 1, unknown 3)");
    expect(result.stdout).toMatch(
      /libssl3:i386\s+3\.0\.11-1~deb12u2\s+3\.0\.13-1~deb12u1\s+CVE-2024-0001\s+high/,
    );
    expect(result.stdout).toContain("no fix available");
    expect(result.stdout).toContain("Advisory data age:");
  });

  test("unknown release is exit 3 naming the override", async () => {
    const derivative = join(work, "derivative");
    mkdirSync(join(derivative, "var/lib/dpkg"), { recursive: true });
    mkdirSync(join(derivative, "etc"), { recursive: true });
    writeFileSync(join(derivative, "var/lib/dpkg/status"), STATUS);
    writeFileSync(
      join(derivative, "etc/os-release"),
      "ID=linuxmint\nID_LIKE=ubuntu\nVERSION_ID=21.3\n",
    );

    const dataDir = await importedDataDir();
    const result = await runCli(
      ["security", "scan", "--root", derivative, "--offline", "--data-dir", dataDir],
      { env: { CORTEX_CONFIG_DIR: configDir } },
    );
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("linuxmint");
    expect(result.stderr).toContain("--ecosystem");

    const overridden = await runCli(
      [
        "security",
        "scan",
        "--root",
        derivative,
        "--offline",
        "--ecosystem",
        "Debian:12",
        "--json",
        "--data-dir",
        dataDir,
      ],
      { env: { CORTEX_CONFIG_DIR: configDir } },
    );
    expect(overridden.exitCode).toBe(0);
  });

  test("each scan is stored", async () => {
    const dataDir = await importedDataDir();
    const first = JSON.parse((await scan(dataDir, ["--json"])).stdout);
    const second = JSON.parse((await scan(dataDir, ["--json"])).stdout);
    expect(second.scanId).toBe(first.scanId + 1);
  });
});

const FIXTURES = join(import.meta.dir, "..", "fixtures");

interface JsonFinding {
  package: string;
  arch: string;
  installedVersion: string;
  sourceVersion: string;
  vulnerabilityId: string;
  aliases: string[];
  fixedVersion: string | null;
  fixStatus: string;
  proFixedVersion: string | null;
  ecosystem: string;
  notes: string[];
}

/** Builds a root with a real dpkg status file from test/fixtures/inventory/dpkg and an os-release text. */
function realRoot(name: string, statusFixture: string, osRelease: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, "var/lib/dpkg"), { recursive: true });
  mkdirSync(join(dir, "etc"), { recursive: true });
  copyFileSync(join(FIXTURES, "inventory/dpkg", statusFixture), join(dir, "var/lib/dpkg/status"));
  writeFileSync(join(dir, "etc/os-release"), osRelease);
  return dir;
}

/**
 * Imports OSV record files (paths under test/fixtures) plus hand-made records
 * into a new data directory, then each NVD file on its own, as `db import` requires.
 */
async function importFiles(
  name: string,
  osvFixtures: string[],
  handMade: object[] = [],
  nvdFixtures: string[] = [],
): Promise<string> {
  const dir = join(work, `${name}-records`);
  mkdirSync(dir, { recursive: true });
  for (const path of osvFixtures) {
    copyFileSync(join(FIXTURES, path), join(dir, basename(path)));
  }
  for (const item of handMade) {
    writeFileSync(join(dir, `${(item as { id: string }).id}.json`), JSON.stringify(item));
  }
  const dataDir = join(work, `${name}-data`);
  const inputs = [dir, ...nvdFixtures.map((path) => join(FIXTURES, path))];
  for (const input of inputs) {
    const result = await runCli(["security", "db", "import", input, "--data-dir", dataDir], {
      env: { CORTEX_CONFIG_DIR: configDir },
    });
    expect(result.exitCode).toBe(0);
  }
  return dataDir;
}

function scanRoot(scanned: string, dataDir: string, extra: string[] = []): Promise<CliResult> {
  return runCli(
    ["security", "scan", "--root", scanned, "--offline", "--data-dir", dataDir, ...extra],
    { env: { CORTEX_CONFIG_DIR: configDir } },
  );
}

function findingsOf(result: CliResult): JsonFinding[] {
  return JSON.parse(result.stdout).findings as JsonFinding[];
}

describe("scan of the real Debian 12 multi-arch chroot", () => {
  // The chroot has libssl3:i386 and gzip held, cron removed with its
  // configuration kept ("rc"), and 31 libraries for both amd64 and i386.
  const records = ["CVE-2022-1271", "CVE-2025-15661", "CVE-2026-27171", "CVE-2026-35189"].map(
    (id) => `osv/debian12-changelogs/${id}.json`,
  );
  // No real record names cron, so this one is written for the test.
  const cronRecord = record("CVE-2026-0001", "cron", "3.0pl1-200", "high");
  let chroot = "";
  let dataDir = "";

  beforeAll(async () => {
    chroot = realRoot("chroot", "debian12-chroot-multiarch.status", DEBIAN_12);
    dataDir = await importFiles("chroot", records, [cronRecord]);
  });

  test("reports exactly the affected binaries", async () => {
    const result = await scanRoot(chroot, dataDir, ["--json"]);

    expect(result.exitCode).toBe(0);
    expect(triples(result)).toEqual([
      "cron-daemon-common:all CVE-2026-0001",
      "libssh2-1:amd64 CVE-2025-15661",
      "libssh2-1:i386 CVE-2025-15661",
      "libssl3:amd64 CVE-2026-35189",
      "libssl3:i386 CVE-2026-35189",
      "openssl:amd64 CVE-2026-35189",
      "zlib1g:amd64 CVE-2026-27171",
      "zlib1g:i386 CVE-2026-27171",
    ]);
  });

  test("held libssl3:i386 is reported like amd64", async () => {
    const findings = findingsOf(await scanRoot(chroot, dataDir, ["--json"]));
    const libssl3 = findings.filter((finding) => finding.package === "libssl3");

    expect(libssl3.map((finding) => finding.arch)).toEqual(["amd64", "i386"]);
    for (const finding of libssl3) {
      expect(finding.installedVersion).toBe("3.0.20-1~deb12u2");
      expect(finding.fixedVersion).toBe("3.0.22-1~deb12u2");
      expect(finding.fixStatus).toBe("fixed");
    }
  });

  test("removed cron with config files is not reported", async () => {
    const findings = findingsOf(await scanRoot(chroot, dataDir, ["--json", "--package", "cron"]));

    // cron-daemon-common, built from the same source, is still installed and is reported.
    expect(findings.map((finding) => `${finding.package}:${finding.arch}`)).toEqual([
      "cron-daemon-common:all",
    ]);
    expect(findings[0]?.sourceVersion).toBe("3.0pl1-162");
  });

  test("held gzip at the fixed version is not affected", async () => {
    const result = await scanRoot(chroot, dataDir, ["--json", "--package", "gzip"]);

    expect(result.exitCode).toBe(0);
    expect(findingsOf(result)).toEqual([]);
    expect(JSON.parse(result.stdout).packageCount).toBe(1);
  });

  test("binNMU libssh2-1 finding shows both versions", async () => {
    const findings = findingsOf(
      await scanRoot(chroot, dataDir, ["--json", "--package", "libssh2"]),
    );

    expect(findings.map((finding) => [finding.installedVersion, finding.sourceVersion])).toEqual([
      ["1.10.0-3+b1", "1.10.0-3"],
      ["1.10.0-3+b1", "1.10.0-3"],
    ]);
  });

  test("data of another release is an error, not a verdict", async () => {
    const bullseye = realRoot(
      "bullseye",
      "debian12-chroot-multiarch.status",
      'ID=debian\nVERSION_ID="11"\nVERSION_CODENAME=bullseye\n',
    );

    const result = await scanRoot(bullseye, dataDir, ["--json"]);

    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("no advisory data for Debian:11");
  });
});

describe("scan of the Debian 12 host file", () => {
  // osslsigncode 2.9-1~bpo12+1 is installed from bookworm-backports on that
  // host. No real record names it, so this one is written for the test.
  const backportRecord = record("CVE-2026-0002", "osslsigncode", "2.9-2", "medium");
  let host = "";
  let dataDir = "";

  beforeAll(async () => {
    host = realRoot("host", "debian12-host.status", DEBIAN_12);
    dataDir = await importFiles(
      "host",
      ["CVE-2019-3466", "CVE-2023-43786", "CVE-2026-4878"].map(
        (id) => `osv/debian12-changelogs/${id}.json`,
      ),
      [backportRecord],
    );
  });

  test("backport finding carries a needs-review note", async () => {
    const json = await scanRoot(host, dataDir, ["--json", "--package", "osslsigncode"]);
    const text = await scanRoot(host, dataDir, ["--package", "osslsigncode"]);
    const [finding] = findingsOf(json);

    expect(finding?.installedVersion).toBe("2.9-1~bpo12+1");
    expect(finding?.notes.join(" ")).toContain("needs review: backport");
    expect(text.stdout).toContain("needs review: backport");
  });

  test("libx11 at the fixed version is not affected", async () => {
    const result = await scanRoot(host, dataDir, ["--json", "--package", "libx11"]);

    expect(result.exitCode).toBe(0);
    expect(findingsOf(result)).toEqual([]);
  });

  test("postgresql's own version line is judged by source", async () => {
    // postgresql 15+248+deb12u1 is built from postgresql-common 248+deb12u1, and
    // CVE-2019-3466 is fixed in postgresql-common 210: the binary version sorts
    // below the fix, the source version above it.
    const result = await scanRoot(host, dataDir, ["--json", "--package", "postgresql-common"]);

    expect(compareDebianVersions("15+248+deb12u1", "210")).toBeLessThan(0);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).packageCount).toBe(4);
    expect(findingsOf(result)).toEqual([]);
  });

  test("libcap2 binNMU finding shows both versions", async () => {
    const findings = findingsOf(await scanRoot(host, dataDir, ["--json", "--package", "libcap2"]));

    expect(
      findings.map((finding) => [
        finding.package,
        finding.installedVersion,
        finding.sourceVersion,
        finding.fixedVersion,
      ]),
    ).toEqual([
      ["libcap2", "1:2.66-4+deb12u2+b2", "1:2.66-4+deb12u2", "1:2.66-4+deb12u3"],
      ["libcap2-bin", "1:2.66-4+deb12u2+b2", "1:2.66-4+deb12u2", "1:2.66-4+deb12u3"],
      ["libpam-cap", "1:2.66-4+deb12u2+b2", "1:2.66-4+deb12u2", "1:2.66-4+deb12u3"],
    ]);
  });
});

describe("scan of a real Ubuntu 18.04 status file", () => {
  const UBUNTU_18_04 =
    'NAME="Ubuntu"\nVERSION="18.04.6 LTS (Bionic Beaver)"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="18.04"\nVERSION_CODENAME=bionic\n';
  const ubuntuRecords = [
    "UBUNTU-CVE-2016-20013",
    "UBUNTU-CVE-2016-2781",
    "UBUNTU-CVE-2017-11164",
    "UBUNTU-CVE-2026-34743",
    "UBUNTU-CVE-2026-5958",
    "USN-8362-1",
  ].map((id) => `osv/ubuntu/${id}.json`);
  // NVD's CPE ranges for OpenSSL: upstream "fixed in 1.1.1a/1.1.1n/1.1.1t".
  const nvdObjects = ["CVE-2018-0735", "CVE-2022-0778", "CVE-2023-0286"].map(
    (id) => `nvd/cve-objects/${id}.json`,
  );
  let bionic = "";
  let dataDir = "";

  beforeAll(async () => {
    bionic = realRoot("bionic", "claircore-texlive.status", UBUNTU_18_04);
    dataDir = await importFiles("bionic", ubuntuRecords, [], nvdObjects);
  });

  test("LTS release is scanned as Ubuntu:18.04:LTS", async () => {
    const result = await scanRoot(bionic, dataDir, ["--json"]);

    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).ecosystem).toBe("Ubuntu:18.04:LTS");
    expect(JSON.parse(result.stdout).packageCount).toBe(357);
  });

  test("fix only in Ubuntu Pro is never reported as fixed", async () => {
    const json = await scanRoot(bionic, dataDir, ["--json", "--package", "xz-utils"]);
    const text = await scanRoot(bionic, dataDir, ["--package", "xz-utils"]);
    const usn = findingsOf(json).filter((finding) => finding.vulnerabilityId === "USN-8362-1");

    // USN-8362-1 also fixes 22.04 in 5.2.5-2ubuntu1.1, and that entry must not decide 18.04.
    expect(usn.map((finding) => finding.package)).toEqual(["liblzma5", "xz-utils"]);
    for (const finding of usn) {
      expect(finding.fixStatus).toBe("ubuntu-pro");
      expect(finding.fixedVersion).toBeNull();
      expect(finding.proFixedVersion).toBe("5.2.2-1.3ubuntu0.1+esm1");
      expect(finding.ecosystem).toBe("Ubuntu:Pro:18.04:LTS");
    }
    expect(text.stdout).toMatch(
      /liblzma5:amd64\s+5\.2\.2-1\.3\s+fix requires Ubuntu Pro \(5\.2\.2-1\.3ubuntu0\.1\+esm1\)\s+USN-8362-1/,
    );
    expect(text.stdout).not.toContain("5.2.5-2ubuntu1.1");
  });

  test("no finding claims a fix for 18.04", async () => {
    const findings = findingsOf(await scanRoot(bionic, dataDir, ["--json"]));

    expect(findings.length).toBe(13);
    expect(findings.filter((finding) => finding.fixStatus === "fixed")).toEqual([]);
  });

  test("NVD's upstream ranges never flag Ubuntu's OpenSSL", async () => {
    const result = await scanRoot(bionic, dataDir, ["--json", "--package", "openssl"]);

    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).packageCount).toBe(2);
    expect(findingsOf(result)).toEqual([]);
  });
});

describe("scan of Ubuntu releases by ecosystem name", () => {
  /** Builds a root with one installed package and an Ubuntu os-release. */
  function ubuntuRoot(name: string, versionId: string, stanza: string): string {
    const dir = join(work, name);
    mkdirSync(join(dir, "var/lib/dpkg"), { recursive: true });
    mkdirSync(join(dir, "etc"), { recursive: true });
    writeFileSync(join(dir, "var/lib/dpkg/status"), stanza);
    writeFileSync(join(dir, "etc/os-release"), `ID=ubuntu\nVERSION_ID="${versionId}"\n`);
    return dir;
  }

  test("26.04 data stored as Ubuntu:26.04 is used", async () => {
    // This record names the release `Ubuntu:26.04`, without `:LTS`.
    const resolute = ubuntuRoot(
      "resolute",
      "26.04",
      "Package: sed\nStatus: install ok installed\nArchitecture: amd64\nVersion: 4.9-2ubuntu1\n",
    );
    const dataDir = await importFiles("resolute", ["osv/ubuntu/UBUNTU-CVE-2026-5958.json"]);

    const result = await scanRoot(resolute, dataDir, ["--json"]);

    expect(result.stderr).not.toContain("error:");
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).ecosystem).toBe("Ubuntu:26.04:LTS");
    expect(triples(result)).toEqual(["sed:amd64 UBUNTU-CVE-2026-5958"]);
    expect(JSON.parse(result.stdout).dataRefreshedAt).not.toBeNull();
  });

  test("interim 25.10 is Ubuntu:25.10, without LTS", async () => {
    const questing = ubuntuRoot(
      "questing",
      "25.10",
      "Package: libnetty-java\nStatus: install ok installed\nArchitecture: all\nSource: netty\nVersion: 1:4.1.48-10ubuntu0.25.10.2\n",
    );
    const dataDir = await importFiles("questing", ["osv/ubuntu/UBUNTU-CVE-2022-24823.json"]);

    const result = await scanRoot(questing, dataDir, ["--json"]);
    const [finding] = findingsOf(result);

    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).ecosystem).toBe("Ubuntu:25.10");
    expect(finding?.ecosystem).toBe("Ubuntu:25.10");
    expect(finding?.fixStatus).toBe("no-fix");
  });

  test("22.04 data only in Ubuntu Pro is used", async () => {
    // UBUNTU-CVE-2022-24823 lists netty for 22.04 only in Ubuntu:Pro:22.04:LTS.
    const jammy = ubuntuRoot(
      "jammy-pro-only",
      "22.04",
      "Package: libnetty-java\nStatus: install ok installed\nArchitecture: all\nSource: netty\nVersion: 1:4.1.48-4+deb11u2build0.22.04.1\n",
    );
    const dataDir = await importFiles("jammy-pro-only", ["osv/ubuntu/UBUNTU-CVE-2022-24823.json"]);

    const result = await scanRoot(jammy, dataDir, ["--json"]);
    const [finding] = findingsOf(result);

    expect(result.exitCode).toBe(0);
    expect(finding?.fixStatus).toBe("ubuntu-pro");
    expect(finding?.fixedVersion).toBeNull();
    expect(finding?.proFixedVersion).toBe("1:4.1.48-4+deb11u2ubuntu0.1~esm1");
  });
});
