import { expect } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const GOLDEN_DIR = join(import.meta.dir, "..", "golden", "scheduler");

/**
 * Compares `actual` with the golden file `name`; with UPDATE_GOLDEN=1 in the environment it
 * rewrites the file instead. Review the diff of a rewritten golden file before committing it.
 */
export function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, "utf8");
  } catch {
    throw new Error(
      `golden file ${path} is missing; run the test with UPDATE_GOLDEN=1 to create it`,
    );
  }
  expect(actual).toBe(expected);
}
