import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDatabaseBusyError, openSqlite } from "../../../src/platform/bun/sqlite-database.ts";

const scratch = mkdtempSync(join(tmpdir(), "cortex-sqlite-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test("busy database error is recognised", () => {
  const path = join(scratch, "busy.db");
  const holder = openSqlite(path).$client;
  holder.exec("CREATE TABLE t (x)");
  holder.exec("BEGIN IMMEDIATE");
  const waiter = openSqlite(path).$client;
  // Without a wait, the second writer fails at once instead of after the busy timeout.
  waiter.exec("PRAGMA busy_timeout = 0");

  let error: unknown;
  try {
    waiter.exec("INSERT INTO t VALUES (1)");
  } catch (caught) {
    error = caught;
  }

  expect(isDatabaseBusyError(error)).toBe(true);
  expect(isDatabaseBusyError(new Error("database is locked"))).toBe(false);
  holder.exec("ROLLBACK");
  holder.close();
  waiter.close();
});
