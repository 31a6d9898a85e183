import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RATING_PENDING_NOTE } from "../../src/scan/apply-nvd-ratings.ts";
import { type CliResult, runCli } from "../helpers/cli-harness.ts";
import {
  type MockAdvisoryServer,
  startMockAdvisoryServer,
} from "../mock-server/mock-advisory-server.ts";
import { loadNvdCves } from "../mock-server/osv-fixtures.ts";
import { computedMockData } from "../mock-server/osv-mock-data.ts";

// An online scan fills the severity of unrated findings from NVD's primary metric, within
// its time budget, and an offline scan reuses what NVD returned before.

const NOW = new Date("2026-12-04T12:00:00Z");

/** A Debian 12 record for openssl with no urgency and no vector, whose alias NVD rates 7.4 (CVSS 3.1). */
const UNRATED_RECORD = {
  id: "DEBIAN-TEST-0286",
  modified: "2026-11-01T00:00:00Z",
  aliases: ["CVE-2023-0286"],
  affected: [
    {
      package: { ecosystem: "Debian:12", name: "openssl" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "3.0.8-1" }] }],
    },
  ],
};

let mock: MockAdvisoryServer;
let work: string;

beforeEach(() => {
  mock = startMockAdvisoryServer({
    osv: computedMockData(new Map([[UNRATED_RECORD.id, JSON.stringify(UNRATED_RECORD)]])),
    nvd: loadNvdCves(),
  });
  work = mkdtempSync(join(tmpdir(), "cortex-nvd-fallback-"));
  const root = join(work, "root");
  mkdirSync(join(root, "var/lib/dpkg"), { recursive: true });
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(join(root, "etc/os-release"), 'ID=debian\nVERSION_ID="12"\n');
  writeFileSync(
    join(root, "var/lib/dpkg/status"),
    "Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.7-1\n",
  );
  mkdirSync(join(work, "config"));
});

afterEach(async () => {
  await mock.stop();
  rmSync(work, { recursive: true, force: true });
});

function scan(extra: string[], config: Record<string, unknown> = {}): Promise<CliResult> {
  writeFileSync(join(work, "config", "config.json"), JSON.stringify(config));
  return runCli(
    [
      "security",
      "scan",
      "--root",
      join(work, "root"),
      "--json",
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
      now: () => NOW,
    },
  );
}

function onlyFinding(result: CliResult) {
  const document = JSON.parse(result.stdout);
  expect(document.findings).toHaveLength(1);
  return document.findings[0];
}

describe("NVD severity fallback", () => {
  test("online scan rates from NVD", async () => {
    const finding = onlyFinding(await scan([]));
    expect(finding.severity).toBe("high");
    expect(finding.severitySource).toBe("nvd-cvss");
    expect(finding.cvssScore).toBe(7.4);
    expect(mock.requestsTo("/nvd").length).toBe(1);
  });

  test("offline scan reuses cached NVD response", async () => {
    await scan([]);
    const before = mock.requests.length;
    const finding = onlyFinding(await scan(["--offline"]));
    expect(mock.requests.length).toBe(before);
    expect(finding.severitySource).toBe("nvd-cvss");
  });

  test("--no-nvd leaves it unknown", async () => {
    const finding = onlyFinding(await scan(["--no-nvd"]));
    expect(finding.severity).toBe("unknown");
    expect(finding.severitySource).toBe("none");
    expect(mock.requestsTo("/nvd").length).toBe(0);
  });

  test("nvdEnabled false in config.json leaves it unknown", async () => {
    const finding = onlyFinding(await scan([], { nvdEnabled: false }));
    expect(finding.severity).toBe("unknown");
    expect(mock.requestsTo("/nvd").length).toBe(0);
  });

  test("exhausted budget notes a pending rating", async () => {
    const finding = onlyFinding(await scan([], { nvdTimeBudgetSeconds: 0 }));
    expect(finding.severity).toBe("unknown");
    expect(finding.notes).toContain(RATING_PENDING_NOTE);
  });
});
