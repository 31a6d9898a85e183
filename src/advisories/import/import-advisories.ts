import { open, readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { inputError } from "../../platform/errors.ts";
import { markDataRefreshed, recordAdvisoryImport } from "../../store/advisory-store.ts";
import { importJsonFile } from "./import-json-file.ts";
import { createLogLimiter, type LogLimiter } from "./import-log-limiter.ts";
import {
  ACCEPTED_INPUTS,
  type ImportFormat,
  type ImportOptions,
  type ImportReport,
  type SkippedEntry,
} from "./import-report.ts";
import { OsvRecordWriter } from "./osv-record-writer.ts";
import { readDirectory, readZip } from "./read-osv-sources.ts";

export type { ImportOptions };

/**
 * Imports OSV records (into `advisories`) or NVD CVE JSON (into the NVD cache) from
 * `path`, which is one of:
 * - an OSV `all.zip` (flat `<id>.json` members), read as a stream;
 * - a directory of OSV `.json` files, read recursively;
 * - one OSV record file;
 * - NVD CVE API 2.0 JSON: a response, an array of responses, or a bare `cve` object.
 *
 * Records are stored by `upsertAdvisory` rules, so a second import of the same file
 * reports every record `unchanged` and rewrites none. A bad record is rejected with a
 * warning and listed in the report, and the others are still stored.
 *
 * The whole import is one write transaction, so other writers wait for it (up to the
 * SQLite busy timeout). When the input as a whole is unusable (missing path, truncated
 * or corrupt zip, no records, not OSV or NVD JSON) this throws `inputError` and nothing
 * is stored, not even the records read before the damage. A cut-off download thus
 * never leaves half an ecosystem behind a fresh data age.
 *
 * After a zip or directory import, the data age of every ecosystem seen is reset
 * (`markDataRefreshed`). One record file is a correction, not a refresh, so it does not.
 */
export async function importAdvisories(
  path: string,
  options: ImportOptions,
): Promise<ImportReport> {
  const { db, now } = options;
  const startedAt = now();
  const input = await detectInput(path);
  const logLimiter = createLogLimiter(options.log);

  const client = db.$client;
  client.exec("BEGIN IMMEDIATE");
  try {
    const report = await readInput(path, input, options, startedAt, logLimiter);
    logLimiter.summarise();
    recordAdvisoryImport(db, {
      path: resolve(path),
      format: report.format,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      imported: report.imported,
      updated: report.updated,
      unchanged: report.unchanged,
      rejected: report.rejected.length,
    });
    client.exec("COMMIT");
    return report;
  } catch (error) {
    // SQLite ends the transaction by itself after some errors (a full disk, for one).
    if (client.inTransaction) client.exec("ROLLBACK");
    throw error;
  }
}

type DetectedInput = { kind: "directory" } | { kind: "zip" } | { kind: "json" };

async function detectInput(path: string): Promise<DetectedInput> {
  let stats: Awaited<ReturnType<typeof stat>>;
  try {
    stats = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === "ENOENT" ? "not found" : `cannot be read (${(error as Error).message})`;
    throw inputError(`import path ${path} ${problem}: ${ACCEPTED_INPUTS}`, error);
  }
  if (stats.isDirectory()) return { kind: "directory" };
  if (!stats.isFile())
    throw inputError(`import path ${path} is not a file or directory: ${ACCEPTED_INPUTS}`);

  const magic = await readFirstBytes(path, 4);
  // Local file header (a zip with members) or end-of-central-directory record (an empty zip).
  const isZip =
    magic.length === 4 &&
    magic[0] === 0x50 &&
    magic[1] === 0x4b &&
    ((magic[2] === 0x03 && magic[3] === 0x04) || (magic[2] === 0x05 && magic[3] === 0x06));
  return isZip ? { kind: "zip" } : { kind: "json" };
}

async function readFirstBytes(path: string, count: number): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buffer = new Uint8Array(count);
    const { bytesRead } = await handle.read(buffer, 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function readInput(
  path: string,
  input: DetectedInput,
  options: ImportOptions,
  startedAt: Date,
  logLimiter: LogLimiter,
): Promise<ImportReport> {
  if (input.kind === "json") {
    const text = await readTextFile(path);
    return importJsonFile(path, text, options, startedAt, logLimiter);
  }

  const writer = new OsvRecordWriter(options.db, startedAt, logLimiter.rejected);
  const skipped: SkippedEntry[] = [];
  const skip = (entry: SkippedEntry) => {
    skipped.push(entry);
    logLimiter.skipped(entry);
  };
  if (input.kind === "zip") {
    await readZip(path, writer, skip);
  } else {
    await readDirectory(path, writer, skip);
  }
  writer.flush();

  const format: ImportFormat = input.kind === "zip" ? "osv-zip" : "osv-directory";
  if (writer.recordsRead === 0) {
    const inputKind = input.kind === "zip" ? "zip archive" : "directory";
    throw inputError(
      `${inputKind} ${path} contains no .json records${skipped.length > 0 ? ` (${skipped.length} other files were skipped)` : ""}: ${ACCEPTED_INPUTS}`,
    );
  }

  const finishedAt = options.now();
  for (const [ecosystem, newest] of writer.newestModifiedByEcosystem) {
    markDataRefreshed(options.db, ecosystem, "import", dataAsOf(newest, finishedAt), newest);
  }
  return {
    path,
    format,
    startedAt,
    finishedAt,
    imported: writer.imported,
    updated: writer.updated,
    unchanged: writer.unchanged,
    rejected: writer.rejected,
    skipped,
    ecosystems: [...writer.newestModifiedByEcosystem.keys()].sort(),
  };
}

async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw inputError(`failed to read ${path}: ${(error as Error).message}`, error);
  }
}

/**
 * Returns when imported data was current: the newest `modified` among its
 * records, or the import time when that is unknown or later. A bulk file is a
 * snapshot, so importing a months-old `all.zip` today must not make its data
 * look fresh. The data age of every report is measured from this time.
 */
export function dataAsOf(newestModified: string | null, importedAt: Date): Date {
  if (newestModified === null) return importedAt;
  const modified = new Date(newestModified);
  if (Number.isNaN(modified.getTime()) || modified > importedAt) return importedAt;
  return modified;
}
