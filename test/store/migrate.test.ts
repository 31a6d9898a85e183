import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqlite } from "../../src/platform/bun/sqlite-database.ts";
import { migrate } from "../../src/store/migrate.ts";
import { MIGRATIONS } from "../../src/store/migrations/index.ts";
import { openDatabase } from "../../src/store/open-database.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cortex-store-"));
  dirs.push(dir);
  return dir;
}

describe("migrate", () => {
  test("creates every table in a new data directory", () => {
    const dataDir = join(tempDir(), "nested", "data");
    const db = openDatabase(dataDir);
    const tables = db.$client
      .query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as { name: string }[];
    expect(tables.map((t) => t.name)).toContain("advisories");
    expect(tables.map((t) => t.name)).toContain("scans");
    const version = db.$client.query("PRAGMA user_version").get() as { user_version: number };
    expect(version.user_version).toBe(MIGRATIONS.at(-1)?.version ?? 0);
  });

  test("uses WAL journaling", () => {
    const db = openDatabase(tempDir());
    const mode = db.$client.query("PRAGMA journal_mode").get() as { journal_mode: string };
    expect(mode.journal_mode).toBe("wal");
  });

  test("reopening applies nothing twice", () => {
    const dataDir = tempDir();
    openDatabase(dataDir).$client.close();
    expect(() => openDatabase(dataDir)).not.toThrow();
  });

  test("rejects a schema newer than known", () => {
    const path = join(tempDir(), "future.db");
    const db = openSqlite(path);
    db.$client.exec("PRAGMA user_version = 9999");
    expect(() => migrate(db, path)).toThrow(/newer than this cortex knows/);
  });
});
