import { Database } from "bun:sqlite";
import { type BunSQLiteDatabase, drizzle } from "drizzle-orm/bun-sqlite";
import * as schema from "../../store/schema/index.ts";

export type CortexDatabase = BunSQLiteDatabase<typeof schema> & { $client: Database };

/** How long a writer or reader waits for another process's lock before SQLite reports "busy". */
export const BUSY_TIMEOUT_MS = 10_000;

/**
 * Checks whether `error` is SQLite's SQLITE_BUSY ("database is locked"): another process held
 * the lock for longer than `BUSY_TIMEOUT_MS`.
 */
export function isDatabaseBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/**
 * Opens (or creates) a SQLite file with WAL journaling and a busy timeout,
 * since the status server reads while a scheduled run writes. `:memory:` works for tests.
 */
export function openSqlite(path: string, options: { readonly?: boolean } = {}): CortexDatabase {
  const client = options.readonly
    ? new Database(path, { readonly: true })
    : new Database(path, { create: true, readwrite: true });
  client.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!options.readonly) {
    client.exec("PRAGMA journal_mode = WAL");
    client.exec("PRAGMA synchronous = NORMAL");
  }
  client.exec("PRAGMA foreign_keys = ON");
  return drizzle({ client, schema });
}
