import { mkdirSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { type CortexDatabase, openSqlite } from "../platform/bun/sqlite-database.ts";
import { CortexError, inputError } from "../platform/errors.ts";
import { ExitCode } from "../platform/exit-codes.ts";
import { DATABASE_FILE_NAME } from "../platform/paths.ts";
import { migrate } from "./migrate.ts";

export type { CortexDatabase };

/** Opens the database of a data directory, creating the directory and schema when needed. */
export function openDatabase(dataDir: string): CortexDatabase {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o750 });
  } catch (error) {
    throw new CortexError(
      `failed to create data directory ${dataDir}: ${(error as Error).message}; choose another with --data-dir or CORTEX_DATA_DIR`,
      ExitCode.permissionDenied,
      { cause: error },
    );
  }
  const path = join(dataDir, DATABASE_FILE_NAME);
  let db: CortexDatabase;
  try {
    db = openSqlite(path);
  } catch (error) {
    throw describeOpenFailure(error, path, availableBytes(dataDir));
  }
  migrate(db, path);
  return db;
}

/** Below this many free bytes, a failure to open the database is blamed on a full disk. */
const FULL_DISK_BYTES = 1024 * 1024;

/**
 * Builds the error for a database that failed to open. SQLite reports a full filesystem as
 * SQLITE_FULL, or as SQLITE_IOERR when it cannot grow the `-shm` file of WAL mode. Moving
 * the file aside would then discard the patch history for nothing, so a full disk gets its
 * own message and exit code 9.
 */
export function describeOpenFailure(
  error: unknown,
  path: string,
  availableBytes: number | null,
): CortexError {
  const reason = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const ioError =
    typeof code === "string" && (code.startsWith("SQLITE_FULL") || code.startsWith("SQLITE_IOERR"));
  if (ioError && availableBytes !== null && availableBytes < FULL_DISK_BYTES) {
    return new CortexError(
      `failed to open database ${path}: ${reason}, and its filesystem has ${availableBytes} B available. Free some space there and run the command again; the file itself is probably intact, so keep it`,
      ExitCode.insufficientSpace,
      { cause: error },
    );
  }
  return inputError(
    `failed to open database ${path}: ${reason}. If the file is damaged, move it aside and run the command again: it creates an empty database, to be filled by \`cortex security db import\` or an online scan`,
    error,
  );
}

function availableBytes(directory: string): number | null {
  try {
    const stats = statfsSync(directory);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

/** Opens a private in-memory database with the full schema, for tests. */
export function openMemoryDatabase(): CortexDatabase {
  const db = openSqlite(":memory:");
  migrate(db, ":memory:");
  return db;
}
