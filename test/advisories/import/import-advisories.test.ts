import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { dataAsOf, importAdvisories } from "../../../src/advisories/import/import-advisories.ts";
import { CortexError } from "../../../src/platform/errors.ts";
import { ExitCode } from "../../../src/platform/exit-codes.ts";
import { createMemoryLogger } from "../../../src/platform/logger.ts";
import {
  countAdvisories,
  dataFreshness,
  loadAdvisoriesForPackages,
  loadLatestAdvisoryImport,
} from "../../../src/store/advisory-store.ts";
import { loadNvdResults } from "../../../src/store/nvd-store.ts";
import { openMemoryDatabase } from "../../../src/store/open-database.ts";

const REPOSITORY = join(import.meta.dir, "../../..");
const SAMPLE_ZIP = join(REPOSITORY, "samples/debian12-changelogs-all.zip");
const FIXTURES = join(REPOSITORY, "test/fixtures");
const MIXED_DIRECTORY = join(FIXTURES, "import/mixed-directory");
const NVD_RESPONSES = join(FIXTURES, "nvd/responses");
const NOW = new Date("2026-12-05T08:00:00Z");
const SAMPLE_RECORD_COUNT = 5980;

const scratch = mkdtempSync(join(tmpdir(), "cortex-import-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function scratchFile(name: string, content: string | Uint8Array): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

function setup() {
  const db = openMemoryDatabase();
  const log = createMemoryLogger();
  return { db, log, options: { db, log, now: () => NOW } };
}

/** Runs an import that must fail and returns its error. */
async function importError(path: string, options: ReturnType<typeof setup>["options"]) {
  try {
    await importAdvisories(path, options);
  } catch (error) {
    return error as CortexError;
  }
  throw new Error(`importing ${path} succeeded, expected an error`);
}

function record(id: string, modified: string, fixed: string): string {
  return JSON.stringify({
    schema_version: "1.6.0",
    id,
    modified,
    affected: [
      {
        package: { ecosystem: "Debian:12", name: "openssl" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }],
      },
    ],
  });
}

describe("importAdvisories: OSV zip", () => {
  test("sample zip imports every record", async () => {
    const { db, options } = setup();
    const report = await importAdvisories(SAMPLE_ZIP, options);

    expect(report.format).toBe("osv-zip");
    expect(report.imported).toBe(SAMPLE_RECORD_COUNT);
    expect(report.updated).toBe(0);
    expect(report.unchanged).toBe(0);
    expect(report.rejected).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.ecosystems).toEqual(["Debian:12"]);
    expect(countAdvisories(db)).toBe(SAMPLE_RECORD_COUNT);
    expect(dataFreshness(db, "Debian:12")).toEqual({
      refreshedAt: new Date("2026-12-04T20:09:14Z"),
      newestModified: "2026-12-04T20:09:14Z",
      recordCount: SAMPLE_RECORD_COUNT,
    });
    expect(loadLatestAdvisoryImport(db)).toMatchObject({
      path: SAMPLE_ZIP,
      format: "osv-zip",
      imported: SAMPLE_RECORD_COUNT,
      rejected: 0,
    });
  });

  test("second import leaves all unchanged", async () => {
    const { options } = setup();
    await importAdvisories(SAMPLE_ZIP, options);
    const second = await importAdvisories(SAMPLE_ZIP, options);

    expect(second.imported).toBe(0);
    expect(second.updated).toBe(0);
    expect(second.unchanged).toBe(SAMPLE_RECORD_COUNT);
  });

  test("records of two source packages index both", async () => {
    const { db, options } = setup();
    await importAdvisories(SAMPLE_ZIP, options);

    const ids = (names: string[]) =>
      loadAdvisoriesForPackages(db, ["Debian:12"], names).map((found) => found.id);
    expect(ids(["libx11"])).toContain("CVE-2023-43786");
    expect(ids(["libxpm"])).toContain("CVE-2023-43786");
  });

  test("truncated zip stores nothing and exits 3", async () => {
    const { db, options } = setup();
    await importAdvisories(join(MIXED_DIRECTORY, "CVE-2020-3810.json"), options);
    const whole = new Uint8Array(await Bun.file(SAMPLE_ZIP).arrayBuffer());
    const half = scratchFile("half.zip", whole.subarray(0, Math.floor(whole.length / 2)));

    const error = await importError(half, options);

    expect(error).toBeInstanceOf(CortexError);
    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain(`zip archive ${half} is damaged`);
    expect(error.message).toContain("nothing was stored");
    const read = Number(/(\d+) members were read before the damage/.exec(error.message)?.[1]);
    expect(read).toBeGreaterThan(SAMPLE_RECORD_COUNT / 3);
    expect(read).toBeLessThan(SAMPLE_RECORD_COUNT);
    expect(countAdvisories(db)).toBe(1);
    expect(dataFreshness(db, "Debian:12").refreshedAt).toBeNull();
  });

  test("central directory count mismatch is damage", async () => {
    const { db, options } = setup();
    const archive = zipSync({
      "CVE-2026-0001.json": new TextEncoder().encode(
        record("CVE-2026-0001", "2026-01-01T00:00:00Z", "1.0-1"),
      ),
    });
    // Bytes 8-11 from the end are the member counts of the end-of-central-directory record.
    const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
    view.setUint16(archive.length - 14, 2, true);
    view.setUint16(archive.length - 12, 2, true);
    const path = scratchFile("miscounted.zip", archive);

    const error = await importError(path, options);

    expect(error.message).toContain("the central directory lists 2 members but 1 were found");
    expect(countAdvisories(db)).toBe(0);
  });

  test("member that fails to inflate is damage", async () => {
    const { options } = setup();
    const text = record("CVE-2026-0001", "2026-01-01T00:00:00Z", "1.0-1");
    const archive = zipSync({ "CVE-2026-0001.json": new TextEncoder().encode(text) }, { level: 6 });
    // The deflate data starts after the 30-byte local header and the 18-byte name.
    archive.fill(0xff, 30 + 18, 30 + 18 + 8);
    const path = scratchFile("corrupt.zip", archive);

    const error = await importError(path, options);

    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain("member CVE-2026-0001.json could not be decompressed");
  });

  test("unknown compression method is named", async () => {
    const { options } = setup();
    const text = record("CVE-2026-0001", "2026-01-01T00:00:00Z", "1.0-1");
    const archive = zipSync({ "CVE-2026-0001.json": new TextEncoder().encode(text) }, { level: 6 });
    // The compression method is the 16-bit field at offset 8 of the local header; 99 is AES.
    archive[8] = 99;
    const path = scratchFile("method-99.zip", archive);

    const error = await importError(path, options);

    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain("member CVE-2026-0001.json could not be decompressed");
    expect(error.message).toContain("unknown compression type 99");
    expect(error.message).not.toContain("constructor");
  });

  test("empty zip is an input error", async () => {
    const { options } = setup();
    const path = scratchFile("empty.zip", zipSync({}));

    const error = await importError(path, options);

    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain(`zip archive ${path} contains no .json records`);
  });

  test("bad and non-JSON members are reported", async () => {
    const { db, options, log } = setup();
    const path = scratchFile(
      "mixed.zip",
      zipSync({
        "README.txt": new TextEncoder().encode("not a record"),
        "CVE-2026-0001.json": new TextEncoder().encode(
          record("CVE-2026-0001", "2026-01-01T00:00:00Z", "1.0-1"),
        ),
        "CVE-2026-0002.json": new TextEncoder().encode('{"id": "CVE-2026-0002", '),
      }),
    );

    const report = await importAdvisories(path, options);

    expect(report.imported).toBe(1);
    expect(report.skipped).toEqual([{ source: "README.txt", reason: "not a .json member" }]);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]?.source).toBe("CVE-2026-0002.json");
    expect(report.rejected[0]?.reason).toContain(`invalid JSON in ${path}:CVE-2026-0002.json`);
    expect(log.lines.some((line) => line.startsWith("warning: invalid JSON"))).toBe(true);
    expect(countAdvisories(db)).toBe(1);
  });
});

describe("importAdvisories: zip bombs", () => {
  test("oversized deflated member is rejected", async () => {
    const { db, options } = setup();
    // 80 MiB of spaces inside a record's summary compress to about 80 KB.
    const padding = " ".repeat(80 * 1024 * 1024);
    const bomb = `{"id":"BOMB-1","modified":"2026-01-01T00:00:00Z","summary":"${padding}"}`;
    const path = scratchFile(
      "bomb.zip",
      zipSync(
        {
          "BOMB-1.json": new TextEncoder().encode(bomb),
          "CVE-2026-0001.json": new TextEncoder().encode(
            record("CVE-2026-0001", "2026-01-01T00:00:00Z", "1.0-1"),
          ),
        },
        { level: 1 },
      ),
    );

    const report = await importAdvisories(path, options);

    expect(report.imported).toBe(1);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]?.source).toBe("BOMB-1.json");
    expect(report.rejected[0]?.reason).toContain("more than 64 MiB");
    expect(countAdvisories(db)).toBe(1);
  });

  test("oversized stored member is rejected", async () => {
    const { options } = setup();
    const padding = " ".repeat(65 * 1024 * 1024);
    const big = `{"id":"BIG-1","modified":"2026-01-01T00:00:00Z","summary":"${padding}"}`;
    const path = scratchFile(
      "stored.zip",
      zipSync({ "BIG-1.json": new TextEncoder().encode(big) }, { level: 0 }),
    );

    const report = await importAdvisories(path, options);

    expect(report.imported).toBe(0);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]?.reason).toContain("more than 64 MiB");
  });
});

describe("importAdvisories: OSV directory and files", () => {
  test("mixed directory keeps good records", async () => {
    const { db, options } = setup();
    const report = await importAdvisories(MIXED_DIRECTORY, options);

    expect(report.format).toBe("osv-directory");
    expect(report.imported).toBe(3);
    expect(report.ecosystems).toEqual(["Debian:12", "Debian:9"]);
    expect(report.skipped).toEqual([{ source: "README.txt", reason: "not a .json file" }]);
    expect(countAdvisories(db)).toBe(3);
    expect(
      loadAdvisoriesForPackages(db, ["Debian:9"], ["openssl"]).map((found) => found.id),
    ).toEqual(["DLA-3008-1"]);
  });

  const rejections: { file: string; id: string | null; reason: string }[] = [
    { file: "bad-json.json", id: null, reason: "invalid JSON in" },
    {
      file: "bad-version.json",
      id: "CVE-2021-28041",
      reason: '"not a version!" is not a valid',
    },
    { file: "missing-modified.json", id: "CVE-2021-28041", reason: "modified" },
    { file: "not-osv.json", id: null, reason: "Invalid OSV record without an id" },
  ];
  for (const { file, id, reason } of rejections) {
    test(`directory rejects ${file}`, async () => {
      const { options } = setup();
      const report = await importAdvisories(MIXED_DIRECTORY, options);

      const rejected = report.rejected.find((entry) => entry.source === file);
      expect(rejected?.id ?? null).toBe(id);
      expect(rejected?.reason).toContain(reason);
      expect(rejected?.reason).toContain(join(MIXED_DIRECTORY, file));
    });
  }

  test("FIFO and oversized files are rejected", async () => {
    const { options } = setup();
    const directory = join(scratch, "special-files");
    mkdirSync(directory);
    writeFileSync(
      join(directory, "CVE-2026-0001.json"),
      record("CVE-2026-0001", "2026-01-01T00:00:00Z", "1.0-1"),
    );
    // Reading a FIFO blocks until something writes to it, which never happens here.
    expect(Bun.spawnSync(["mkfifo", join(directory, "fifo.json")]).exitCode).toBe(0);
    // A sparse 65 MiB file: larger than any OSV record, cheap to create.
    writeFileSync(join(directory, "huge.json"), "");
    truncateSync(join(directory, "huge.json"), 65 * 1024 * 1024);

    const report = await importAdvisories(directory, options);

    expect(report.imported).toBe(1);
    const reasons = new Map(report.rejected.map((entry) => [entry.source, entry.reason]));
    expect(reasons.get("fifo.json")).toContain("not a regular file");
    expect(reasons.get("huge.json")).toContain("more than 64 MiB");
  });

  test("NVD file inside a directory is rejected", async () => {
    const { options } = setup();
    const directory = mkdtempSync(join(scratch, "nvd-in-directory-"));
    writeFileSync(
      join(directory, "CVE-2020-3810.json"),
      await Bun.file(join(MIXED_DIRECTORY, "CVE-2020-3810.json")).text(),
    );
    writeFileSync(
      join(directory, "nvd.json"),
      await Bun.file(join(NVD_RESPONSES, "vuln-list-update-respPage1.json")).text(),
    );

    const report = await importAdvisories(directory, options);

    expect(report.imported).toBe(1);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]?.reason).toContain(
      "is NVD CVE API JSON, not an OSV record: import that file on its own",
    );
  });

  test("empty directory is an input error", async () => {
    const { options } = setup();
    const empty = mkdtempSync(join(scratch, "empty-"));

    const error = await importError(empty, options);

    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain(`directory ${empty} contains no .json records`);
  });

  test("newer modified replaces, older does not", async () => {
    const { db, options } = setup();
    const first = scratchFile("v1.json", record("DSA-9999-1", "2026-01-01T00:00:00Z", "1.0-1"));
    const newer = scratchFile("v2.json", record("DSA-9999-1", "2026-01-02T00:00:00Z", "1.0-2"));
    const older = scratchFile("v0.json", record("DSA-9999-1", "2025-12-31T00:00:00Z", "1.0-0"));
    const fixed = () =>
      loadAdvisoriesForPackages(db, ["Debian:12"], ["openssl"])[0]?.affected?.[0]?.ranges?.[0]
        ?.events[1]?.fixed;

    expect((await importAdvisories(first, options)).imported).toBe(1);
    expect((await importAdvisories(newer, options)).updated).toBe(1);
    expect(fixed()).toBe("1.0-2");
    expect((await importAdvisories(older, options)).unchanged).toBe(1);
    expect(fixed()).toBe("1.0-2");
  });

  test("single record file does not refresh", async () => {
    const { db, options } = setup();
    const report = await importAdvisories(join(MIXED_DIRECTORY, "CVE-2020-3810.json"), options);

    expect(report.format).toBe("osv-file");
    expect(report.imported).toBe(1);
    expect(report.ecosystems).toEqual(["Debian:12"]);
    expect(dataFreshness(db, "Debian:12")).toEqual({
      refreshedAt: null,
      newestModified: null,
      recordCount: 1,
    });
  });

  test("invalid single record is rejected", async () => {
    const { db, options } = setup();
    const report = await importAdvisories(join(MIXED_DIRECTORY, "bad-version.json"), options);

    expect(report.imported + report.updated + report.unchanged).toBe(0);
    expect(report.rejected).toHaveLength(1);
    expect(countAdvisories(db)).toBe(0);
  });
});

describe("importAdvisories: NVD JSON", () => {
  test("response page fills the NVD cache", async () => {
    const { db, options } = setup();
    const path = join(NVD_RESPONSES, "osv.dev-vulnfeeds-test.json");
    const report = await importAdvisories(path, options);

    expect(report.format).toBe("nvd-json");
    expect(report.imported).toBe(13);
    expect(report.ecosystems).toEqual([]);
    const cached = loadNvdResults(db, ["CVE-2025-4565"]).get("CVE-2025-4565");
    expect(cached?.found).toBe(true);
    expect(cached?.metric?.version).toBe("4.0");
    expect(cached?.metric?.baseScore).toBe(8.2);
    expect(countAdvisories(db)).toBe(0);
  });

  test("NVD re-import leaves all unchanged", async () => {
    const { options } = setup();
    const path = join(NVD_RESPONSES, "osv.dev-vulnfeeds-test.json");
    await importAdvisories(path, options);
    const second = await importAdvisories(path, options);

    expect(second.imported).toBe(0);
    expect(second.unchanged).toBe(13);
  });

  test("fetch time comes from the response", async () => {
    const { db, options } = setup();
    await importAdvisories(join(NVD_RESPONSES, "vunnel-single-entry-CVE-2022-1576.json"), options);

    // The response timestamp (2023-01-03) predates the CVE's lastModified, which wins.
    expect(loadNvdResults(db, ["CVE-2022-1576"]).get("CVE-2022-1576")?.fetchedAt).toEqual(
      new Date("2024-11-21T06:41:00.133Z"),
    );
  });

  test("array of response pages", async () => {
    const { db, options } = setup();
    const pages = await Promise.all(
      ["vuln-list-update-respPage1.json", "vuln-list-update-respPage2.json"].map((name) =>
        Bun.file(join(NVD_RESPONSES, name)).json(),
      ),
    );
    const path = scratchFile("pages.json", JSON.stringify(pages));

    const report = await importAdvisories(path, options);

    expect(report.imported).toBe(3);
    expect([
      ...loadNvdResults(db, ["CVE-2020-8167", "CVE-2021-22903", "CVE-2024-5732"]).keys(),
    ]).toHaveLength(3);
  });

  test("bare cve object", async () => {
    const { db, options } = setup();
    const report = await importAdvisories(
      join(FIXTURES, "nvd/cve-objects/CVE-2025-47273.json"),
      options,
    );

    expect(report.imported).toBe(1);
    expect(loadNvdResults(db, ["CVE-2025-47273"]).get("CVE-2025-47273")?.metric?.version).toBe(
      "4.0",
    );
  });

  test("entries without a cve object are rejected", async () => {
    const { options } = setup();
    const entries = [{ foo: 1 }, "CVE-2024-0727", null];
    const path = scratchFile(
      "no-cve.json",
      JSON.stringify({ totalResults: 3, vulnerabilities: entries }),
    );

    const report = await importAdvisories(path, options);

    expect(report.imported + report.updated + report.unchanged).toBe(0);
    expect(report.rejected.map((entry) => entry.reason)).toEqual([
      `NVD CVE entry 1 in ${path} has no cve object; the entry was not used`,
      `NVD CVE entry 2 in ${path} has no cve object; the entry was not used`,
      `NVD CVE entry 3 in ${path} has no cve object; the entry was not used`,
    ]);
  });

  test("empty response page is an input error", async () => {
    const { options } = setup();
    const error = await importError(
      join(NVD_RESPONSES, "vuln-list-update-emptyResp.json"),
      options,
    );

    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain("contains no CVE entries");
  });
});

describe("importAdvisories: unusable input", () => {
  const cases: { name: string; path: () => string; message: string }[] = [
    {
      name: "missing path",
      path: () => join(scratch, "no-such-file.zip"),
      message: "no-such-file.zip not found",
    },
    {
      name: "JSON that is neither OSV nor NVD",
      path: () => scratchFile("package.json", '{"name": "cortex", "version": "1.0.0"}'),
      message: "is JSON but neither an OSV record nor NVD CVE API 2.0 JSON",
    },
    {
      name: "text that is neither zip nor JSON",
      path: () => scratchFile("notes.txt", "CVE-2024-0727 fixed in 3.0.13\n"),
      message: "is neither a zip archive nor valid JSON",
    },
  ];
  for (const { name, path, message } of cases) {
    test(name, async () => {
      const { db, options } = setup();
      const error = await importError(path(), options);

      expect(error).toBeInstanceOf(CortexError);
      expect(error.exitCode).toBe(ExitCode.unusableInput);
      expect(error.message).toContain(message);
      expect(error.message).toContain("expected an OSV all.zip");
      expect(loadLatestAdvisoryImport(db)).toBeNull();
    });
  }
});

describe("dataAsOf", () => {
  const importedAt = new Date("2026-12-05T08:00:00Z");

  test("newest record time when earlier", () => {
    expect(dataAsOf("2026-06-01T00:00:00Z", importedAt)).toEqual(new Date("2026-06-01T00:00:00Z"));
  });

  test("import time when the record claims the future", () => {
    expect(dataAsOf("2027-01-01T00:00:00Z", importedAt)).toBe(importedAt);
  });

  test("import time when unknown or invalid", () => {
    expect(dataAsOf(null, importedAt)).toBe(importedAt);
    expect(dataAsOf("not a date", importedAt)).toBe(importedAt);
  });
});
