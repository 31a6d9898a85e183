import type { CortexDatabase } from "../platform/bun/sqlite-database.ts";
import { inputError } from "../platform/errors.ts";
import { MIGRATIONS } from "./migrations/index.ts";

/**
 * Brings the schema up to date, each migration in its own transaction.
 * Rejects a database written by a newer cortex, whose schema this one cannot know.
 */
export function migrate(db: CortexDatabase, path: string): void {
  const client = db.$client;
  const row = client.query("PRAGMA user_version").get() as { user_version: number };
  const current = row.user_version;
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
  if (current > latest) {
    throw inputError(
      `database ${path} has schema version ${current}, newer than this cortex knows (${latest}); upgrade cortex or use another --data-dir`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    client.transaction(() => {
      client.exec(migration.sql);
      client.exec(`PRAGMA user_version = ${migration.version}`);
    })();
  }
}
