import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliResult, runCli } from "../../helpers/cli-harness.ts";
import type { MockAdvisoryServer } from "../../mock-server/mock-advisory-server.ts";
import { startRecordedMock } from "../../mock-server/start-recorded-mock.ts";

// End-to-end online scans through the CLI against the mock, for hosts built from
// the recorded querybatch requests whose listed records are all present.

const DEBIAN_9 = {
  osRelease: 'ID=debian\nVERSION_ID="9"\nVERSION_CODENAME=stretch\n',
  status: [
    ["adduser", "all", "3.115", null],
    ["dpkg", "amd64", "1.18.25", null],
    ["libxml2", "amd64", "2.9.4+dfsg1-2.2+deb9u6", null],
    ["libssl1.1", "amd64", "1.1.0l-1~deb9u5", "openssl"],
    ["openssl", "amd64", "1.1.0l-1~deb9u5", null],
    ["tzdata", "all", "2021a-0+deb9u3", null],
  ],
  // (binary package, record id, fixed version) that the DLA records imply.
  findings: [
    ["dpkg", "DLA-3022-1", "1.18.26"],
    ["libssl1.1", "DLA-3008-1", "1.1.0l-1~deb9u6"],
    ["libxml2", "DLA-3012-1", "2.9.4+dfsg1-2.2+deb9u7"],
    ["openssl", "DLA-3008-1", "1.1.0l-1~deb9u6"],
    ["tzdata", "DLA-3051-1", "2021a-0+deb9u4"],
  ],
} as const;

const UBUNTU_22_04 = {
  osRelease: 'ID=ubuntu\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\n',
  status: [
    ["acl", "amd64", "2.3.1-1", null],
    ["attr", "amd64", "1:2.5.1-1build1", null],
    ["bzip2", "amd64", "1.0.8-5build1", null],
    ["diffutils", "amd64", "1:3.8-0ubuntu2", null],
    ["dpkg", "amd64", "1.21.1ubuntu2.3", null],
    ["gzip", "amd64", "1.10-4ubuntu4.1", null],
    ["libzstd1", "amd64", "1.4.8+dfsg-3build1", "libzstd"],
    ["liblz4-1", "amd64", "1.9.3-2build2", "lz4"],
    ["libp11-kit0", "amd64", "0.24.0-6build1", "p11-kit"],
    ["libpcre2-8-0", "amd64", "10.39-3ubuntu0.1", "pcre2"],
    ["libpcre3", "amd64", "2:8.39-13ubuntu0.22.04.1", "pcre3"],
    ["sed", "amd64", "4.8-1ubuntu2", null],
    ["xz-utils", "amd64", "5.2.5-2ubuntu1", null],
  ],
  // Every record lists the package from version 0, fixed only where a version is given.
  findings: [
    ["acl", "UBUNTU-CVE-2026-54369", null],
    ["acl", "UBUNTU-CVE-2026-54370", null],
    ["attr", "UBUNTU-CVE-2026-54371", null],
    ["bzip2", "UBUNTU-CVE-2026-42250", null],
    ["diffutils", "UBUNTU-CVE-2026-53910", null],
    ["dpkg", "UBUNTU-CVE-2025-6297", null],
    ["dpkg", "USN-7768-1", "1.21.1ubuntu2.6"],
    ["gzip", "UBUNTU-CVE-2026-41991", "1.10-4ubuntu4.2"],
    ["gzip", "UBUNTU-CVE-2026-41992", "1.10-4ubuntu4.2"],
    ["gzip", "USN-8512-1", "1.10-4ubuntu4.2"],
    ["liblz4-1", "UBUNTU-CVE-2025-62813", null],
    ["libp11-kit0", "UBUNTU-CVE-2026-13757", null],
    ["libpcre2-8-0", "UBUNTU-CVE-2022-41409", null],
    ["libpcre3", "UBUNTU-CVE-2017-11164", null],
    ["libzstd1", "UBUNTU-CVE-2022-4899", null],
    ["sed", "UBUNTU-CVE-2026-5958", null],
    ["sed", "USN-8229-1", "4.8-1ubuntu2.1"],
    ["xz-utils", "UBUNTU-CVE-2026-34743", null],
    ["xz-utils", "USN-8362-1", "5.2.5-2ubuntu1.1"],
  ],
} as const;

type Host = typeof DEBIAN_9 | typeof UBUNTU_22_04;

let mock: MockAdvisoryServer;
let work: string;

beforeEach(() => {
  mock = startRecordedMock();
  work = mkdtempSync(join(tmpdir(), "cortex-online-scan-"));
  mkdirSync(join(work, "config"));
});

afterEach(async () => {
  await mock.stop();
  rmSync(work, { recursive: true, force: true });
});

function buildRoot(host: Host): string {
  const root = join(work, "root");
  mkdirSync(join(root, "var/lib/dpkg"), { recursive: true });
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(join(root, "etc/os-release"), host.osRelease);
  const stanzas = host.status.map(([name, arch, version, source]) =>
    [
      `Package: ${name}`,
      "Status: install ok installed",
      `Architecture: ${arch}`,
      ...(source === null ? [] : [`Source: ${source}`]),
      `Version: ${version}`,
    ].join("\n"),
  );
  writeFileSync(join(root, "var/lib/dpkg/status"), `${stanzas.join("\n\n")}\n`);
  return root;
}

function scan(root: string, now: Date, extra: string[] = []): Promise<CliResult> {
  return runCli(
    [
      "security",
      "scan",
      "--root",
      root,
      "--json",
      "--no-nvd",
      "--data-dir",
      join(work, "data"),
      ...extra,
    ],
    {
      env: {
        CORTEX_OSV_URL: mock.osvUrl,
        CORTEX_NVD_URL: mock.nvdUrl,
        CORTEX_CONFIG_DIR: join(work, "config"),
      },
      fetch,
      now: () => now,
    },
  );
}

interface JsonFinding {
  package: string;
  vulnerabilityId: string;
  fixedVersion: string | null;
  fixStatus: string;
}

function findingTriples(result: CliResult): [string, string, string | null][] {
  const document = JSON.parse(result.stdout) as { findings: JsonFinding[] };
  return document.findings
    .map((finding): [string, string, string | null] => [
      finding.package,
      finding.vulnerabilityId,
      finding.fixedVersion,
    ])
    .sort((a, b) => (`${a[0]} ${a[1]}` < `${b[0]} ${b[1]}` ? -1 : 1));
}

const NOW = new Date("2026-12-04T12:00:00Z");

describe("online scan", () => {
  test("Debian 9 host gets the DLA findings", async () => {
    const result = await scan(buildRoot(DEBIAN_9), NOW);

    expect(result.exitCode).toBe(0);
    expect(findingTriples(result)).toEqual(DEBIAN_9.findings.map((entry) => [...entry]));
    const document = JSON.parse(result.stdout);
    expect(document.mode).toBe("online");
    expect(document.complete).toBe(true);
    expect(document.unchecked).toEqual([]);
  });

  test("Ubuntu 22.04 host gets the recorded findings", async () => {
    const result = await scan(buildRoot(UBUNTU_22_04), NOW);

    expect(result.exitCode).toBe(0);
    expect(findingTriples(result)).toEqual(UBUNTU_22_04.findings.map((entry) => [...entry]));
    const body = mock.requestsTo("/v1/querybatch")[0]?.body as {
      queries: { package: { ecosystem: string; name: string } }[];
    };
    expect(body.queries[0]?.package.ecosystem).toBe("Ubuntu:22.04:LTS");
    expect(body.queries.map((query) => query.package.name)).toContain("libzstd");
  });

  test("second scan within 24 h sends nothing", async () => {
    const root = buildRoot(DEBIAN_9);
    const first = await scan(root, NOW);
    const before = mock.requests.length;

    const second = await scan(root, new Date(NOW.getTime() + 3_600_000));
    expect(mock.requests.length).toBe(before);
    expect(findingTriples(second)).toEqual(findingTriples(first));
  });

  test("failed lookup exits 4 as incomplete", async () => {
    mock.removeRecord("DLA-3008-1");
    const result = await scan(buildRoot(DEBIAN_9), NOW);

    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain("incomplete");
    const document = JSON.parse(result.stdout);
    expect(document.complete).toBe(false);
    expect(document.unchecked.map((entry: { sourceName: string }) => entry.sourceName)).toEqual([
      "openssl",
    ]);
  });

  test("incomplete report still shows the data age", async () => {
    mock.removeRecord("DLA-3008-1");
    const root = buildRoot(DEBIAN_9);

    const json = await scan(root, NOW);
    const text = await runCli(
      ["security", "scan", "--root", root, "--no-nvd", "--data-dir", join(work, "data")],
      {
        env: {
          CORTEX_OSV_URL: mock.osvUrl,
          CORTEX_NVD_URL: mock.nvdUrl,
          CORTEX_CONFIG_DIR: join(work, "config"),
        },
        fetch,
        now: () => NOW,
      },
    );

    const document = JSON.parse(json.stdout);
    expect(document.complete).toBe(false);
    expect(document.dataAgeSeconds).toBe(0);
    expect(document.dataRefreshedAt).toBe(NOW.toISOString());
    expect(text.exitCode).toBe(4);
    expect(text.stdout).toContain("INCOMPLETE: 1 source packages could not be checked");
    expect(text.stdout).toContain("  openssl 1.1.0l-1~deb9u5: ");
    expect(text.stdout).toContain("Advisory data age: 0 s");
  });

  test("failed lookup is asked again next scan", async () => {
    const root = buildRoot(DEBIAN_9);
    mock.removeRecord("DLA-3008-1");
    await scan(root, NOW);
    const before = mock.requests.length;

    const second = await scan(root, new Date(NOW.getTime() + 60_000));
    const batches = mock.requests
      .slice(before)
      .filter((request) => request.path === "/v1/querybatch");
    const body = batches[0]?.body as { queries: { package: { name: string } }[] } | undefined;
    const names = body?.queries.map((query) => query.package.name);
    expect(names).toEqual(["openssl"]);
    expect(second.exitCode).toBe(4);
  });

  test("failed lookups with empty database exit 3", async () => {
    // 400 is not retried, so the scan fails at once; an empty database must not read as clean.
    mock.addFault({ path: "/v1/querybatch", fault: { kind: "status", status: 400 } });
    const result = await scan(buildRoot(DEBIAN_9), NOW);

    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("no advisory data for Debian:9");
    expect(result.stderr).toContain("OSV lookups failed");
  });
});
