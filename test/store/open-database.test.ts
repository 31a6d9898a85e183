import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCortexError } from "../../src/platform/errors.ts";
import { ExitCode } from "../../src/platform/exit-codes.ts";
import { DATABASE_FILE_NAME } from "../../src/platform/paths.ts";
import { describeOpenFailure, openDatabase } from "../../src/store/open-database.ts";

const scratch = mkdtempSync(join(tmpdir(), "cortex-open-database-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test("damaged database says what to do", () => {
  writeFileSync(join(scratch, DATABASE_FILE_NAME), "this is not an SQLite database file");

  let error: unknown;
  try {
    openDatabase(scratch);
  } catch (caught) {
    error = caught;
  }

  expect(isCortexError(error)).toBe(true);
  expect((error as { exitCode: number }).exitCode).toBe(ExitCode.unusableInput);
  expect((error as Error).message).toContain(join(scratch, DATABASE_FILE_NAME));
  expect((error as Error).message).toContain("move it aside");
});

test("full disk is not called damage", () => {
  const error = Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR_SHMSIZE" });

  const reported = describeOpenFailure(error, "/var/lib/cortex/cortex.db", 0);

  expect(reported.exitCode).toBe(ExitCode.insufficientSpace);
  expect(reported.message).toContain("/var/lib/cortex/cortex.db");
  expect(reported.message).toContain("0 B available");
  expect(reported.message).not.toContain("move it aside");
});

test("I/O error with free space keeps the advice", () => {
  const error = Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR" });

  const reported = describeOpenFailure(error, "/var/lib/cortex/cortex.db", 10 * 1024 ** 3);

  expect(reported.exitCode).toBe(ExitCode.unusableInput);
  expect(reported.message).toContain("move it aside");
});
