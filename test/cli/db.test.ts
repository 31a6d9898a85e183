import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { runCli } from "../helpers/cli-harness.ts";

const REPOSITORY = join(import.meta.dir, "../..");
const SAMPLE_ZIP = join(REPOSITORY, "samples/debian12-changelogs-all.zip");
const MIXED_DIRECTORY = join(REPOSITORY, "test/fixtures/import/mixed-directory");
const NVD_PAGE = join(REPOSITORY, "test/fixtures/nvd/responses/osv.dev-vulnfeeds-test.json");
const IMPORTED_AT = new Date("2026-12-05T08:00:00Z");

const scratch = mkdtempSync(join(tmpdir(), "cortex-db-cli-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `cortex security db ...` against a fresh or given data directory, with no configuration files. */
function db(args: string[], dataDir: string, now = IMPORTED_AT) {
  const configDir = mkdtempSync(join(scratch, "config-"));
  return runCli(["security", "db", ...args, "--data-dir", dataDir], {
    env: { CORTEX_CONFIG_DIR: configDir },
    now: () => now,
  });
}

function freshDataDir(): string {
  return mkdtempSync(join(scratch, "data-"));
}

describe("db status", () => {
  test("empty database says so loudly", async () => {
    const result = await db(["status"], freshDataDir());

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("NO ADVISORY DATA");
    expect(result.stdout).toContain("cortex security db import FILE");
  });

  test("empty database as JSON", async () => {
    const result = await db(["status", "--json"], freshDataDir());

    expect(result.exitCode).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.empty).toBe(true);
    expect(status.ecosystems).toEqual([]);
    expect(status.nvdCacheCount).toBe(0);
  });

  test("after import shows counts and age", async () => {
    const dataDir = freshDataDir();
    await db(["import", SAMPLE_ZIP], dataDir);
    await db(["import", NVD_PAGE], dataDir);

    const threeHoursLater = new Date(IMPORTED_AT.getTime() + 3 * 3600_000);
    const result = await db(["status"], dataDir, threeHoursLater);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("Records: 5980");
    expect(result.stdout).toMatch(
      /Debian:12\s+5980\s+2026-12-04T20:09:14Z\s+2026-12-04T20:09:14.000Z \(14 h 50 min ago, by import\)/,
    );
    expect(result.stdout).toContain("NVD cache: 13 CVE ids");
    expect(result.stdout).not.toContain("STALE");
  });

  test("old data is marked stale", async () => {
    const dataDir = freshDataDir();
    await db(["import", SAMPLE_ZIP], dataDir);

    const tenDaysLater = new Date(IMPORTED_AT.getTime() + 10 * 86_400_000);
    const result = await db(["status", "--json"], dataDir, tenDaysLater);

    const status = JSON.parse(result.stdout);
    expect(status.ecosystems).toHaveLength(1);
    expect(status.ecosystems[0]).toMatchObject({
      ecosystem: "Debian:12",
      recordCount: 5980,
      newestModified: "2026-12-04T20:09:14Z",
      // An imported snapshot is as old as its newest record, not as its import.
      refreshedAt: "2026-12-04T20:09:14.000Z",
      ageSeconds: (tenDaysLater.getTime() - Date.parse("2026-12-04T20:09:14Z")) / 1000,
      stale: true,
    });
    expect(status.maxDataAgeDays).toBe(7);
  });
});

describe("db import", () => {
  test("sample zip imports", async () => {
    const result = await db(["import", SAMPLE_ZIP], freshDataDir());

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("5980 new, 0 updated, 0 unchanged, 0 rejected");
    expect(result.stdout).toContain("ecosystems refreshed: Debian:12");
  });

  test("second import is unchanged", async () => {
    const dataDir = freshDataDir();
    await db(["import", SAMPLE_ZIP], dataDir);
    const result = await db(["import", SAMPLE_ZIP], dataDir);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("0 new, 0 updated, 5980 unchanged");
  });

  test("rejected records warn on stderr", async () => {
    const result = await db(["import", MIXED_DIRECTORY], freshDataDir());

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("3 new, 0 updated, 0 unchanged, 4 rejected, 1 files skipped");
    expect(result.stdout).toContain("rejected bad-version.json (CVE-2021-28041)");
    expect(result.stderr).toContain("warning: invalid JSON in");
    expect(result.stderr).toContain("skipped README.txt: not a .json file");
  });

  test("many rejections are counted, not listed", async () => {
    const members: Record<string, Uint8Array> = {};
    for (let index = 0; index < 25; index++) {
      members[`CVE-2026-${1000 + index}.json`] = new TextEncoder().encode("{ not json");
    }
    members["CVE-2026-0001.json"] = new TextEncoder().encode(
      await Bun.file(join(MIXED_DIRECTORY, "CVE-2020-3810.json")).text(),
    );
    const path = join(scratch, "many-bad.zip");
    writeFileSync(path, zipSync(members));

    const result = await db(["import", path], freshDataDir());

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("1 new, 0 updated, 0 unchanged, 25 rejected");
    expect(result.stdout.match(/^ {2}rejected /gm)).toHaveLength(20);
    expect(result.stdout).toContain("and 5 more rejected records; --json lists them all");
    expect(result.stderr.match(/^warning: invalid JSON/gm)).toHaveLength(20);
    expect(result.stderr).toContain("5 more rejected records are not shown here");
  });

  test("--json lists every rejected record", async () => {
    const result = await db(["import", MIXED_DIRECTORY, "--json"], freshDataDir());

    const report = JSON.parse(result.stdout);
    expect(report.rejected.map((entry: { source: string }) => entry.source).sort()).toEqual([
      "bad-json.json",
      "bad-version.json",
      "missing-modified.json",
      "not-osv.json",
    ]);
  });

  test("only rejected records exit 3", async () => {
    const result = await db(["import", join(MIXED_DIRECTORY, "bad-version.json")], freshDataDir());

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("no usable records in");
  });

  test("NVD page of malformed entries exits 3", async () => {
    const path = join(scratch, "malformed-nvd.json");
    const entries = [{ foo: 1 }, { cve: { id: "bad" } }];
    writeFileSync(path, JSON.stringify({ resultsPerPage: 2, vulnerabilities: entries }));

    const result = await db(["import", path], freshDataDir());

    expect(result.exitCode).toBe(3);
    expect(result.stderr).not.toContain("contains no CVE entries");
    expect(result.stderr).toContain(
      `no usable records in ${path}: all 2 were rejected, so nothing was stored. The first reason: NVD CVE entry 1 in ${path} has no cve object`,
    );
  });

  test("truncated zip exits 3", async () => {
    const whole = new Uint8Array(await Bun.file(SAMPLE_ZIP).arrayBuffer());
    const half = join(scratch, "half.zip");
    writeFileSync(half, whole.subarray(0, whole.length >> 1));
    const dataDir = freshDataDir();

    const result = await db(["import", half], dataDir);

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/error: zip archive .*half\.zip is damaged/);
    expect(result.stderr).toMatch(/\d+ members were read before the damage/);
    expect((await db(["status", "--json"], dataDir)).stdout).toContain('"empty": true');
  });

  test("missing path exits 3", async () => {
    const result = await db(["import", join(scratch, "missing.zip")], freshDataDir());

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("missing.zip not found");
  });

  test("missing argument is a usage error", async () => {
    const result = await runCli(["security", "db", "import"], { env: {} });

    expect(result.exitCode).toBe(2);
  });
});

describe("db export", () => {
  test("exports what was imported", async () => {
    const dataDir = freshDataDir();
    await db(["import", MIXED_DIRECTORY], dataDir);
    const file = join(scratch, "export.zip");

    const result = await db(["export", file], dataDir);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`Exported 3 records to ${file}\n`);
    const reimported = await db(["import", file], freshDataDir());
    expect(reimported.stdout).toContain("3 new");
  });

  test("--ecosystem limits the export", async () => {
    const dataDir = freshDataDir();
    await db(["import", MIXED_DIRECTORY], dataDir);
    const file = join(scratch, "debian9.zip");

    const result = await db(["export", file, "--ecosystem", "Debian:9"], dataDir);

    expect(result.stdout).toBe(`Exported 1 record to ${file}\n`);
  });

  test("empty database exits 3", async () => {
    const result = await db(["export", join(scratch, "empty.zip")], freshDataDir());

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("no advisory records to export");
  });
});
