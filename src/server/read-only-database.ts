import { existsSync } from "node:fs";
import { type CortexDatabase, openSqlite } from "../platform/bun/sqlite-database.ts";
import { MIGRATIONS } from "../store/migrations/index.ts";

/** A read-only connection to the database, opened when first needed. */
export interface ReadOnlyDatabase {
  /** Returns the connection, or null while the database file does not exist yet. */
  get(): CortexDatabase | null;
  close(): void;
}

/**
 * Opens `path` read-only on first use and keeps the connection. In WAL mode
 * each read transaction starts from the last commit, so a scan recorded by another
 * process shows up without reopening. The server cannot migrate a database it
 * may not write, so an older schema is an error that names the fix.
 */
export function openReadOnlyDatabase(path: string): ReadOnlyDatabase {
  let db: CortexDatabase | null = null;
  return {
    get() {
      if (db !== null) return db;
      if (!existsSync(path)) return null;
      const opened = openSqlite(path, { readonly: true });
      try {
        checkSchemaVersion(opened, path);
      } catch (error) {
        opened.$client.close();
        throw error;
      }
      db = opened;
      return db;
    },
    close() {
      db?.$client.close();
      db = null;
    },
  };
}

function checkSchemaVersion(db: CortexDatabase, path: string): void {
  const row = db.$client.query("PRAGMA user_version").get() as { user_version: number };
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
  if (row.user_version < latest) {
    throw new Error(
      `database ${path} has schema version ${row.user_version}, older than this cortex (${latest}); run any command that writes it, such as cortex security scan, to upgrade it`,
    );
  }
  if (row.user_version > latest) {
    throw new Error(
      `database ${path} has schema version ${row.user_version}, newer than this cortex knows (${latest}); upgrade cortex`,
    );
  }
}
