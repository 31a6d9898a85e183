import { mkdirSync } from "node:fs";
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
    throw inputError(
      `failed to open database ${path}: ${(error as Error).message}. If the file is damaged, move it aside and run the command again: it creates an empty database, to be filled by \`cortex security db import\` or an online scan`,
      error,
    );
  }
  migrate(db, path);
  return db;
}

/** Opens a private in-memory database with the full schema, for tests. */
export function openMemoryDatabase(): CortexDatabase {
  const db = openSqlite(":memory:");
  migrate(db, ":memory:");
  return db;
}
