import { afterAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { exportAdvisories } from "../../../src/advisories/export/export-advisories.ts";
import { zipMemberName } from "../../../src/advisories/export/zip-member-name.ts";
import { importAdvisories } from "../../../src/advisories/import/import-advisories.ts";
import { CortexError } from "../../../src/platform/errors.ts";
import { ExitCode } from "../../../src/platform/exit-codes.ts";
import { createMemoryLogger } from "../../../src/platform/logger.ts";
import type { CortexDatabase } from "../../../src/store/open-database.ts";
import { openMemoryDatabase } from "../../../src/store/open-database.ts";

const REPOSITORY = join(import.meta.dir, "../../..");
const SAMPLE_ZIP = join(REPOSITORY, "samples/debian12-changelogs-all.zip");
const MIXED_DIRECTORY = join(REPOSITORY, "test/fixtures/import/mixed-directory");
const NOW = new Date("2026-12-05T08:00:00Z");

const scratch = mkdtempSync(join(tmpdir(), "cortex-export-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function databaseWith(path: string): Promise<CortexDatabase> {
  const db = openMemoryDatabase();
  await importAdvisories(path, { db, log: createMemoryLogger(), now: () => NOW });
  return db;
}

function storedRecords(db: CortexDatabase): Map<string, string> {
  const rows = db.$client.query("SELECT id, record_json FROM advisories").all() as {
    id: string;
    record_json: string;
  }[];
  return new Map(rows.map((row) => [row.id, row.record_json]));
}

async function exportError(db: CortexDatabase, file: string, ecosystem?: string) {
  try {
    await exportAdvisories(db, file, { ecosystem });
  } catch (error) {
    return error as CortexError;
  }
  throw new Error(`exporting to ${file} succeeded, expected an error`);
}

describe("exportAdvisories", () => {
  test("round trip keeps every record", async () => {
    const original = await databaseWith(SAMPLE_ZIP);
    const file = join(scratch, "round-trip.zip");

    expect(await exportAdvisories(original, file)).toEqual({ count: 5980 });

    const reimported = await databaseWith(file);
    const before = storedRecords(original);
    const after = storedRecords(reimported);
    expect(after.size).toBe(5980);
    for (const [id, text] of before) {
      expect(JSON.parse(after.get(id) ?? "null")).toEqual(JSON.parse(text));
    }
  });

  test("members are the stored bytes", async () => {
    const db = await databaseWith(MIXED_DIRECTORY);
    const file = join(scratch, "bytes.zip");
    await exportAdvisories(db, file);

    const members = unzipSync(new Uint8Array(await Bun.file(file).arrayBuffer()));
    expect(Object.keys(members).sort()).toEqual([
      "CVE-2020-3810.json",
      "CVE-2023-43786.json",
      "DLA-3008-1.json",
    ]);
    const original = await Bun.file(join(MIXED_DIRECTORY, "nested/DLA-3008-1.json")).text();
    expect(new TextDecoder().decode(members["DLA-3008-1.json"])).toBe(original);
  });

  test("same records give same bytes", async () => {
    const db = await databaseWith(MIXED_DIRECTORY);
    const first = join(scratch, "first.zip");
    const second = join(scratch, "second.zip");
    await exportAdvisories(db, first);
    await Bun.sleep(1100);
    await exportAdvisories(db, second);

    expect(Bun.hash(await Bun.file(second).arrayBuffer())).toBe(
      Bun.hash(await Bun.file(first).arrayBuffer()),
    );
  });

  test("ecosystem filter", async () => {
    const db = await databaseWith(MIXED_DIRECTORY);
    const file = join(scratch, "debian9.zip");

    expect(await exportAdvisories(db, file, { ecosystem: "Debian:9" })).toEqual({ count: 1 });
    expect(Object.keys(unzipSync(new Uint8Array(await Bun.file(file).arrayBuffer())))).toEqual([
      "DLA-3008-1.json",
    ]);
  });

  test("nothing to export keeps existing file", async () => {
    const db = await databaseWith(MIXED_DIRECTORY);
    const file = join(scratch, "existing.zip");
    writeFileSync(file, "previous export");

    const error = await exportError(db, file, "Ubuntu:22.04:LTS");

    expect(error).toBeInstanceOf(CortexError);
    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain("no advisory records to export for ecosystem Ubuntu:22.04:LTS");
    expect(await Bun.file(file).text()).toBe("previous export");
    expect(readdirSync(scratch).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  test("missing directory is an input error", async () => {
    const db = await databaseWith(MIXED_DIRECTORY);
    const file = join(scratch, "no-such-directory", "out.zip");

    const error = await exportError(db, file);

    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain(`failed to write ${file}`);
    expect(existsSync(join(scratch, "no-such-directory"))).toBe(false);
  });
});

describe("exportAdvisories: target that is not a regular file", () => {
  test("FIFO is rejected, not replaced", async () => {
    const db = await databaseWith(MIXED_DIRECTORY);
    // Renaming over a FIFO or a device node would replace the node itself.
    const fifo = join(scratch, "export-fifo");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);

    const error = await exportError(db, fifo);

    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain(`${fifo} is a FIFO`);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(scratch).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  test("symbolic link is rejected, not replaced", async () => {
    const db = await databaseWith(MIXED_DIRECTORY);
    const link = join(scratch, "export-link.zip");
    symlinkSync("/dev/null", link);

    const error = await exportError(db, link);

    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain(`${link} is a symbolic link`);
    expect(readlinkSync(link)).toBe("/dev/null");
  });

  test("directory is rejected", async () => {
    const db = await databaseWith(MIXED_DIRECTORY);

    const error = await exportError(db, scratch);

    expect(error.exitCode).toBe(ExitCode.unusableInput);
    expect(error.message).toContain(`${scratch} is a directory`);
  });
});

describe("zipMemberName", () => {
  const cases: [string, string][] = [
    ["CVE-2024-0727", "CVE-2024-0727.json"],
    ["DLA-3008-1", "DLA-3008-1.json"],
    ["UBUNTU-CVE-2014-2901", "UBUNTU-CVE-2014-2901.json"],
    ["GO-2024.1", "GO-2024.1.json"],
    ["../etc/passwd", "%2E%2E%2Fetc%2Fpasswd.json"],
    [".hidden", "%2Ehidden.json"],
    ["A:B", "A%3AB.json"],
  ];
  for (const [id, name] of cases) {
    test(`${id} becomes ${name}`, () => {
      expect(zipMemberName(id)).toBe(name);
    });
  }
});
