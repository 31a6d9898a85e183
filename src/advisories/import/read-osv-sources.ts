import { open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { inputError } from "../../platform/errors.ts";
import type { SkippedEntry } from "./import-report.ts";
import { listJsonFiles } from "./list-json-files.ts";
import type { OsvRecordWriter } from "./osv-record-writer.ts";
import {
  DamagedZipError,
  findCentralDirectory,
  MAX_MEMBER_BYTES,
  readZipMembers,
  ZIP_TAIL_SIZE,
} from "./read-zip-members.ts";

/**
 * Feeds every `.json` member of the zip archive at `path` to `writer`, streaming, and
 * reports other members to `skip`.
 *
 * @throws {CortexError} (unusable input) when the archive is truncated or corrupt,
 * with the number of members read before the damage.
 */
export async function readZip(
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
      if (member.data === null) {
        writer.reject(
          member.name,
          null,
          `${path}:${member.name} decompresses to ${oversizeReason()}`,
        );
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

/** Returns the end of the rejection message for a zip member or file over `MAX_MEMBER_BYTES`. */
function oversizeReason(): string {
  return `more than ${MAX_MEMBER_BYTES / (1024 * 1024)} MiB, far larger than any OSV record (a zip bomb?); skipped`;
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

/**
 * Feeds every `.json` file under `directory` (recursive) to `writer`, and reports other
 * files to `skip`. A file that cannot be read, is not a regular file (a FIFO would block
 * the read) or is larger than `MAX_MEMBER_BYTES` is rejected like an invalid record.
 */
export async function readDirectory(
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
      // stat follows a symbolic link, so this checks what readFile would read.
      const stats = await stat(fullPath);
      if (!stats.isFile()) {
        writer.reject(file, null, `${fullPath} is not a regular file; file skipped`);
        continue;
      }
      if (stats.size > MAX_MEMBER_BYTES) {
        writer.reject(file, null, `${fullPath} is ${oversizeReason()}`);
        continue;
      }
      bytes = await readFile(fullPath);
    } catch (error) {
      writer.reject(file, null, `failed to read ${fullPath}: ${(error as Error).message}`);
      continue;
    }
    writer.addBytes(file, fullPath, bytes);
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
