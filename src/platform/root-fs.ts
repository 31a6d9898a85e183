import type { Stats } from "node:fs";
import { lstat, readdir, readFile, readlink, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { inputError, isCortexError } from "./errors.ts";

/** Symbolic links followed while resolving one path; Linux uses the same limit (MAXSYMLINKS, 40). */
const MAX_SYMLINK_HOPS = 40;

/**
 * Resolves `path` inside `root` the way a process chrooted into `root` would see it:
 * symbolic links in any component, absolute or relative, are read and followed against
 * `root` (never the host's `/`), and `..` stops at `root`. Components that do not exist
 * are appended unresolved, so the result names where the file would be.
 *
 * Returns an absolute host path that is `root` or lies below it. With `root` `/` this is
 * ordinary resolution of every symbolic link. A relative `path` starts at the root.
 *
 * Throws `inputError` after 40 symbolic links (a loop, or a chain too long to be real).
 */
export async function resolveInRoot(root: string, path: string): Promise<string> {
  const rootDir = resolve(root);
  const resolved: string[] = [];
  const pending = splitComponents(path);
  let hops = 0;

  while (pending.length > 0) {
    const component = pending.shift() as string;
    if (component === "..") {
      resolved.pop();
      continue;
    }

    const candidate = joinInRoot(rootDir, [...resolved, component]);
    if (!(await isSymbolicLink(candidate))) {
      resolved.push(component);
      continue;
    }

    hops += 1;
    if (hops > MAX_SYMLINK_HOPS) {
      throw inputError(
        `Too many levels of symbolic links resolving ${path} inside ${rootDir} (more than ${MAX_SYMLINK_HOPS}, likely a loop at ${candidate}): fix or remove the link.`,
      );
    }
    const target = await readlink(candidate);
    if (target.startsWith("/")) resolved.length = 0;
    pending.unshift(...splitComponents(target));
  }

  return joinInRoot(rootDir, resolved);
}

/**
 * Reads a UTF-8 text file at `path` inside `root` (see `resolveInRoot`). Returns null when
 * the file or one of its parent directories does not exist. Bytes that are not valid
 * UTF-8 become U+FFFD rather than failing the read. Throws `inputError` for anything but a
 * regular file: a FIFO would block the read forever, and a device such as /dev/zero never ends.
 * With `maxBytes`, also throws `inputError` for a larger file, without reading it.
 */
export async function readTextInRoot(
  root: string,
  path: string,
  options: { maxBytes?: number } = {},
): Promise<string | null> {
  const hostPath = await resolveInRoot(root, path);
  try {
    const stats = await stat(hostPath);
    if (!stats.isFile()) {
      throw inputError(
        `Failed to read ${path} inside ${root} (host path ${hostPath}): it is ${describeFileType(stats)}, not a regular file. Replace it with the file itself.`,
      );
    }
    if (options.maxBytes !== undefined && stats.size > options.maxBytes) {
      throw inputError(
        `Failed to read ${path} inside ${root} (host path ${hostPath}): it has ${stats.size} bytes, larger than the ${options.maxBytes} bytes expected of this file, so it is damaged or not what its name says. Replace it with the real file.`,
      );
    }
    const bytes = await readFile(hostPath);
    return new TextDecoder("utf-8").decode(bytes);
  } catch (error) {
    if (isCortexError(error)) throw error;
    if (isMissingError(error)) return null;
    throw inputError(
      `Failed to read ${path} inside ${root} (host path ${hostPath}): ${describeError(error)}. Check the file's type and permissions.`,
      error,
    );
  }
}

/**
 * Lists the entry names of the directory at `path` inside `root`, sorted by code point.
 * Returns null when the directory does not exist.
 */
export async function listDirectoryInRoot(root: string, path: string): Promise<string[] | null> {
  const hostPath = await resolveInRoot(root, path);
  try {
    const names = await readdir(hostPath);
    return names.sort();
  } catch (error) {
    if (isMissingError(error)) return null;
    throw inputError(
      `Failed to list directory ${path} inside ${root} (host path ${hostPath}): ${describeError(error)}. Check the directory's type and permissions.`,
      error,
    );
  }
}

function splitComponents(path: string): string[] {
  return path.split("/").filter((component) => component !== "" && component !== ".");
}

function joinInRoot(rootDir: string, components: readonly string[]): string {
  if (components.length === 0) return rootDir;
  const prefix = rootDir === "/" ? "" : rootDir;
  return `${prefix}/${components.join("/")}`;
}

/** False for anything else, including a path that does not exist. */
async function isSymbolicLink(hostPath: string): Promise<boolean> {
  try {
    const stats = await lstat(hostPath);
    return stats.isSymbolicLink();
  } catch (error) {
    if (isMissingError(error)) return false;
    throw inputError(
      `Failed to inspect ${hostPath}: ${describeError(error)}. Check the permissions of its parent directories.`,
      error,
    );
  }
}

/** ENOENT, or ENOTDIR when a parent component is a regular file. */
function isMissingError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** Names the kind of a file that is not a regular file, for error messages ("a FIFO (named pipe)"). */
export function describeFileType(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isSymbolicLink()) return "a symbolic link";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "a special file";
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
