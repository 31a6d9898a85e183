import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readOsRelease } from "../../src/inventory/read-os-release.ts";
import { isCortexError } from "../../src/platform/errors.ts";
import { ExitCode } from "../../src/platform/exit-codes.ts";

const root = mkdtempSync(join(tmpdir(), "cortex-read-os-release-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test("oversized os-release is rejected unread", async () => {
  // A sparse 1 GiB file: a damaged or hostile image can hold one, and reading it whole
  // took 2 GB of memory before it was found to have no ID.
  mkdirSync(join(root, "etc"));
  writeFileSync(join(root, "etc/os-release"), "");
  truncateSync(join(root, "etc/os-release"), 1024 * 1024 * 1024);

  const error = await readOsRelease(root).catch((caught: unknown) => caught);

  expect(isCortexError(error)).toBe(true);
  expect((error as { exitCode: number }).exitCode).toBe(ExitCode.unusableInput);
  expect((error as Error).message).toContain("/etc/os-release");
  expect((error as Error).message).toContain("larger than");
});
