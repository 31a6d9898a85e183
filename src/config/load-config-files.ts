import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { inputError } from "../platform/errors.ts";

/**
 * Reads `fileName` from each directory in order and merges the objects, so a
 * later file overrides the keys it sets. Missing files are skipped; an
 * unreadable or invalid file is an error naming the file and the key.
 */
export function loadConfigFiles<T extends z.ZodType>(
  directories: readonly string[],
  fileName: string,
  schema: T,
): z.infer<T> {
  let merged: Record<string, unknown> = {};
  for (const directory of directories) {
    const path = join(directory, fileName);
    let text: string | null;
    try {
      text = readRegularFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") continue;
      throw inputError(`failed to read ${path}: ${(error as Error).message}`, error);
    }
    if (text === null) {
      throw inputError(
        `failed to read ${path}: not a regular file (a FIFO, device or directory); replace it with a JSON file or remove it`,
      );
    }
    let value: unknown;
    try {
      // A byte order mark, as some editors write, is not JSON but does no harm.
      value = JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text);
    } catch (error) {
      throw inputError(
        `invalid JSON in ${path}: ${(error as Error).message}; fix or remove the file`,
        error,
      );
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw inputError(`invalid ${path}: expected a JSON object at the top level`);
    }
    const checked = schema.safeParse(value);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const where = issue?.path.length ? issue.path.join(".") : "(top level)";
      throw inputError(`invalid ${path}: ${where}: ${issue?.message ?? "invalid value"}`);
    }
    merged = { ...merged, ...(value as Record<string, unknown>) };
  }
  return schema.parse(merged);
}

/**
 * Reads a file as UTF-8, or returns null when it is not a regular file. It opens with
 * O_NONBLOCK and checks the open descriptor, because opening a FIFO for reading would block
 * until a writer appears, and a check by path before opening could be raced.
 */
function readRegularFile(path: string): string | null {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) return null;
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}
