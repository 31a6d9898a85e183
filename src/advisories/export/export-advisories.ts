import type { Stats } from "node:fs";
import { lstat, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Zip, ZipDeflate } from "fflate";
import { inputError, isCortexError } from "../../platform/errors.ts";
import { describeFileType } from "../../platform/root-fs.ts";
import type { CortexDatabase } from "../../store/open-database.ts";
import { zipMemberName } from "./zip-member-name.ts";

export interface ExportOptions {
  /** Ecosystem that limits the export to records with an affected entry in it (`Debian:12`). */
  ecosystem?: string;
}

// Zip timestamps are MS-DOS dates, which start in 1980.
const EARLIEST_ZIP_TIME = Date.UTC(1980, 0, 1, 12);

/**
 * Writes the stored OSV records to `file` as an OSV `all.zip`: one `<id>.json`
 * member per record at the archive root, holding the JSON text exactly as it was
 * stored, in id order. Each member's time is the record's `modified`, so exporting
 * the same records twice gives the same archive.
 *
 * The archive is written to a temporary file beside `file` and renamed over it at
 * the end, so `file` is never left half-written. An existing `file` must be a regular
 * file: the rename would replace a symbolic link, FIFO or device node itself.
 *
 * @throws {CortexError} (unusable input) when there is nothing to export or `file` cannot be written.
 */
export async function exportAdvisories(
  db: CortexDatabase,
  file: string,
  options: ExportOptions = {},
): Promise<{ count: number }> {
  await checkExportTarget(file);
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  let count = 0;
  try {
    count = await writeZip(db, temporary, options.ecosystem);
    if (count === 0) {
      const scope = options.ecosystem === undefined ? "" : ` for ecosystem ${options.ecosystem}`;
      throw inputError(
        `no advisory records to export${scope}: import some with \`cortex security db import FILE\` first`,
      );
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    if (isCortexError(error)) throw error;
    throw inputError(
      `failed to write ${file}: ${(error as Error).message}; check that its directory exists and is writable`,
      error,
    );
  }
  return { count };
}

/** Throws `inputError` when `file` exists and is not a regular file. */
async function checkExportTarget(file: string): Promise<void> {
  let stats: Stats;
  try {
    stats = await lstat(file);
  } catch {
    // A missing file is the usual case; other failures show up when the archive is written.
    return;
  }
  if (stats.isFile()) return;
  throw inputError(
    `${file} is ${describeFileType(stats)}, which the export would replace rather than write to; give the path of a regular file to create or replace`,
  );
}

async function writeZip(
  db: CortexDatabase,
  path: string,
  ecosystem: string | undefined,
): Promise<number> {
  const sink = Bun.file(path).writer();
  let zipError: Error | null = null;
  const zip = new Zip((error, data) => {
    if (error) {
      zipError ??= error;
      return;
    }
    sink.write(data);
  });

  const encoder = new TextEncoder();
  let count = 0;
  for (const row of selectRecords(db, ecosystem)) {
    const member = new ZipDeflate(zipMemberName(row.id), { level: 6 });
    member.mtime = Math.max(Date.parse(row.modified) || EARLIEST_ZIP_TIME, EARLIEST_ZIP_TIME);
    zip.add(member);
    member.push(encoder.encode(row.record_json), true);
    count += 1;
    // Let the file sink write out what has been compressed so far.
    if (count % 1000 === 0) await sink.flush();
  }
  zip.end();
  await sink.end();
  if (zipError !== null) throw zipError;
  return count;
}

function selectRecords(
  db: CortexDatabase,
  ecosystem: string | undefined,
): IterableIterator<{ id: string; modified: string; record_json: string }> {
  type Row = { id: string; modified: string; record_json: string };
  if (ecosystem === undefined) {
    return db.$client
      .query<Row, []>("SELECT id, modified, record_json FROM advisories ORDER BY id")
      .iterate();
  }
  return db.$client
    .query<Row, [string]>(
      `SELECT id, modified, record_json FROM advisories
       WHERE id IN (SELECT advisory_id FROM advisory_packages WHERE ecosystem = ?)
       ORDER BY id`,
    )
    .iterate(ecosystem);
}
