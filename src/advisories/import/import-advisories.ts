import { open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { inputError } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import { markDataRefreshed, recordAdvisoryImport } from "../../store/advisory-store.ts";
import type { CortexDatabase } from "../../store/open-database.ts";
import { classifyJson } from "./classify-json.ts";
import { createLogLimiter, type LogLimiter } from "./import-log-limiter.ts";
import type { ImportFormat, ImportReport, SkippedEntry } from "./import-report.ts";
import { listJsonFiles } from "./list-json-files.ts";
import { writeNvdCves } from "./nvd-cve-writer.ts";
import { OsvRecordWriter } from "./osv-record-writer.ts";
import {
  DamagedZipError,
  findCentralDirectory,
  readZipMembers,
  ZIP_TAIL_SIZE,
} from "./read-zip-members.ts";

export interface ImportOptions {
  db: CortexDatabase;
  now: () => Date;
  log: Logger;
}

const ACCEPTED_INPUTS =
  "expected an OSV all.zip, a directory of OSV .json files, one OSV record (.json) " +
  "or NVD CVE API 2.0 JSON";

/**
 * Imports OSV records (into `advisories`) or NVD CVE JSON (into the NVD cache) from
 * `path`. Accepted inputs are an OSV `all.zip` (flat `<id>.json` members, read as a
 * stream), a directory of OSV `.json` files (recursive), one OSV record file, and NVD
 * CVE API 2.0 JSON (a response, an array of responses, or a bare `cve` object).
 *
 * Records are stored by `upsertAdvisory` rules, so importing the same file twice
 * changes nothing. A bad record is rejected with a warning and listed in the report;
 * the others are still stored.
 *
 * The whole import is one transaction. When the input as a whole is unusable (missing
 * path, truncated or corrupt zip, no records, not OSV or NVD JSON) this throws
 * `inputError` and nothing is stored, not even the records read before the damage,
 * so a cut-off download never leaves half an ecosystem behind a fresh data age.
 *
 * After a zip or directory import, the data age of every ecosystem seen is reset
 * (`markDataRefreshed`); one record file is a correction, not a refresh, so it does not.
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
      path,
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

/** Returns the last `ZIP_TAIL_SIZE` bytes of a file and the file's size. */
async function readZipTail(path: string): Promise<[Uint8Array, number]> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, ZIP_TAIL_SIZE);
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, size - length);
    return [buffer.subarray(0, bytesRead), size];
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
    markDataRefreshed(options.db, ecosystem, "import", finishedAt, newest);
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

async function readZip(
  path: string,
  writer: OsvRecordWriter,
  skip: (entry: SkippedEntry) => void,
): Promise<void> {
  const directory = findCentralDirectory(...(await readZipTail(path)));
  try {
    for await (const member of readZipMembers(streamFile(path), directory)) {
      if (!member.name.toLowerCase().endsWith(".json")) {
        skip({ source: member.name, reason: "not a .json member" });
        continue;
      }
      writer.addBytes(member.name, `${path}:${member.name}`, member.data);
    }
  } catch (error) {
    if (!(error instanceof DamagedZipError)) throw error;
    throw inputError(
      `zip archive ${path} is damaged: ${error.message}. ${error.membersRead} members were read ` +
        `before the damage (${writer.recordsRead} records); nothing was stored and the database is ` +
        "unchanged. Download the archive again and rerun the import.",
      error,
    );
  }
}

async function* streamFile(path: string): AsyncGenerator<Uint8Array> {
  // Bun.file().stream() reads lazily, so memory keeps one chunk of the archive at a time.
  const reader = Bun.file(path).stream().getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function readDirectory(
  directory: string,
  writer: OsvRecordWriter,
  skip: (entry: SkippedEntry) => void,
): Promise<void> {
  const listing = await listJsonFiles(directory);
  for (const file of listing.otherFiles) {
    skip({ source: file, reason: "not a .json file" });
  }
  for (const file of listing.jsonFiles) {
    const fullPath = join(directory, file);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(fullPath);
    } catch (error) {
      writer.reject(file, null, `failed to read ${fullPath}: ${(error as Error).message}`);
      continue;
    }
    writer.addBytes(file, fullPath, bytes);
  }
}

function importJsonFile(
  path: string,
  text: string,
  options: ImportOptions,
  startedAt: Date,
  logLimiter: LogLimiter,
): ImportReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw inputError(
      `${path} is neither a zip archive nor valid JSON (${(error as Error).message}): ${ACCEPTED_INPUTS}`,
      error,
    );
  }

  const kind = classifyJson(value);
  if (kind === "unknown") {
    throw inputError(
      `${path} is JSON but neither an OSV record nor NVD CVE API 2.0 JSON: ${ACCEPTED_INPUTS}`,
    );
  }

  if (kind === "osv-record") {
    const writer = new OsvRecordWriter(options.db, startedAt, logLimiter.rejected);
    writer.addText(path, path, text);
    writer.flush();
    return {
      path,
      format: "osv-file",
      startedAt,
      finishedAt: options.now(),
      imported: writer.imported,
      updated: writer.updated,
      unchanged: writer.unchanged,
      rejected: writer.rejected,
      skipped: [],
      ecosystems: [...writer.newestModifiedByEcosystem.keys()].sort(),
    };
  }

  const counts = writeNvdCves(options.db, value, path, startedAt, logLimiter.rejected);
  if (counts.imported + counts.updated + counts.unchanged + counts.rejected.length === 0) {
    throw inputError(
      `NVD CVE API JSON ${path} contains no CVE entries (an empty result page?): ${ACCEPTED_INPUTS}`,
    );
  }
  return {
    path,
    format: "nvd-json",
    startedAt,
    finishedAt: options.now(),
    imported: counts.imported,
    updated: counts.updated,
    unchanged: counts.unchanged,
    rejected: counts.rejected,
    skipped: [],
    ecosystems: [],
  };
}

async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw inputError(`failed to read ${path}: ${(error as Error).message}`, error);
  }
}
