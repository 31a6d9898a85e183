import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
async function importedDataDir(now = new Date()): Promise<string> {
  const dataDir = join(work, `data-${dataDirCount++}`);
  const result = await runCli(["security", "db", "import", recordsDir, "--data-dir", dataDir], {
    env: { CORTEX_CONFIG_DIR: configDir },
    now: () => now,
  });
  expect(result.exitCode).toBe(0);
  return dataDir;
}

function scan(dataDir: string, extra: string[] = [], now = new Date()): Promise<CliResult> {
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

  test("--package by binary or source name", async () => {
    const dataDir = await importedDataDir();
    const bySource = await scan(dataDir, ["--package", "samba", "--json"]);
    expect(triples(bySource)).toEqual(["libldb2:amd64 CVE-2024-0003"]);
    const missing = await scan(dataDir, ["--package", "cron"]);
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toContain("cron is not installed");
  });

  test("--all with --package is a usage error", async () => {
    const result = await scan(await importedDataDir(), ["--all", "--package", "bash"]);
    expect(result.exitCode).toBe(2);
  });

  test("stale data warns in every output", async () => {
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
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
