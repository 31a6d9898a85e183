import { lstat } from "node:fs/promises";
import { inputError, isCortexError } from "../../platform/errors.ts";
import { listDirectoryInRoot, readTextInRoot, resolveInRoot } from "../../platform/root-fs.ts";
import { type InstalledPackage, packageKey } from "../installed-package.ts";
import { parseDpkgStatus } from "./parse-dpkg-status.ts";

export const STATUS_FILE = "/var/lib/dpkg/status";
/** Distroless images keep one control file per package here instead of a status file. */
export const STATUS_DIRECTORY = "/var/lib/dpkg/status.d";
/** dpkg's journal: records written since the status file was last rewritten. */
export const UPDATES_DIRECTORY = "/var/lib/dpkg/updates";

export interface DpkgDatabase {
  /** Installed packages; where two files list the same name and architecture, the later file's. */
  packages: InstalledPackage[];
  warnings: string[];
  /** Files that contributed packages, as host paths: the status file first, then `status.d/` entries. */
  statusPaths: string[];
}

/**
 * Reads the dpkg database of the system mounted at `root` (`/` for this host): the status
 * file and, when present, every file of `status.d/` in name order. Paths are resolved
 * inside `root` (see `resolveInRoot`). A `status.d/` entry that is empty, damaged or a broken
 * link is skipped with a warning, and so is a damaged status file when `status.d/` provides
 * packages.
 *
 * Throws `inputError` when neither exists, or when together they list no installed package.
 */
export async function readDpkgDatabase(root: string): Promise<DpkgDatabase> {
  const warnings: string[] = [];
  const statusPaths: string[] = [];
  const byKey = new Map<string, InstalledPackage>();
  const failures: unknown[] = [];

  const addFile = (packages: InstalledPackage[], fileWarnings: string[], hostPath: string) => {
    warnings.push(...fileWarnings);
    if (packages.length > 0) statusPaths.push(hostPath);
    for (const pkg of packages) {
      const key = packageKey(pkg);
      if (byKey.has(key)) {
        warnings.push(`${hostPath}: ${key} is also listed in an earlier file; keeping this one`);
        byKey.delete(key);
      }
      byKey.set(key, pkg);
    }
  };

  const statusText = await readTextInRoot(root, STATUS_FILE);
  const statusHostPath = hostPathOf(root, STATUS_FILE);
  if (statusText !== null) {
    try {
      const contents = parseDpkgStatus(statusText, statusHostPath);
      addFile(contents.packages, contents.warnings, statusHostPath);
    } catch (error) {
      if (!isCortexError(error)) throw error;
      failures.push(error);
    }
  }

  const entryNames = await listDirectoryInRoot(root, STATUS_DIRECTORY);
  for (const entryName of entryNames ?? []) {
    // Distroless images keep `<package>.md5sums` beside each entry.
    if (entryName.endsWith(".md5sums")) continue;
    const path = `${STATUS_DIRECTORY}/${entryName}`;
    const hostPath = hostPathOf(root, path);
    try {
      const text = await readTextInRoot(root, path);
      if (text === null) {
        warnings.push(`${await describeMissingEntry(root, entryName, hostPath)} File skipped.`);
        continue;
      }
      const contents = parseDpkgStatus(text, hostPath, { missingStatus: "installed" });
      addFile(contents.packages, contents.warnings, hostPath);
    } catch (error) {
      if (!isCortexError(error)) throw error;
      warnings.push(`${error.message} File skipped.`);
    }
  }

  if (statusText === null && entryNames === null) {
    throw inputError(
      `No dpkg database found: neither ${statusHostPath} nor ${hostPathOf(root, STATUS_DIRECTORY)} exists. Only Debian and Ubuntu systems are supported; if the system is mounted elsewhere, pass its top directory with --root.`,
    );
  }
  if (byKey.size === 0) {
    const cause = failures[0];
    const reason = isCortexError(cause)
      ? cause.message
      : "no package is in state installed. Check that --root names the system's top directory.";
    throw inputError(
      `No installed packages found in the dpkg database under ${root}: ${reason}`,
      cause,
    );
  }
  if (failures.length > 0) {
    const failure = failures[0];
    if (isCortexError(failure))
      warnings.push(`${failure.message} Using ${hostPathOf(root, STATUS_DIRECTORY)} only.`);
  }

  warnings.push(...(await checkJournal(root)));
  return { packages: [...byKey.values()], warnings, statusPaths };
}

/**
 * Describes why a listed `status.d/` entry has no file to read: it is a symbolic link whose
 * target does not exist inside `root`, or it was removed after the directory was listed.
 */
async function describeMissingEntry(
  root: string,
  entryName: string,
  hostPath: string,
): Promise<string> {
  const directory = await resolveInRoot(root, STATUS_DIRECTORY);
  const entryStats = await lstat(`${directory}/${entryName}`).catch(() => null);
  if (entryStats?.isSymbolicLink()) {
    const target = await resolveInRoot(root, `${STATUS_DIRECTORY}/${entryName}`);
    return `${hostPath} is a broken symbolic link: its target ${target} does not exist. Fix or remove the link.`;
  }
  return `${hostPath} was removed while the directory was being read.`;
}

/**
 * Warns when dpkg's journal contains records not yet merged into the status file, which
 * happens while dpkg runs or after it was interrupted.
 */
async function checkJournal(root: string): Promise<string[]> {
  const names = (await listDirectoryInRoot(root, UPDATES_DIRECTORY)) ?? [];
  const entries = names.filter((name) => /^\d+$/.test(name));
  if (entries.length === 0) return [];
  // NOTE: the journal's records are not applied, so packages they change show their
  // state before the interrupted dpkg run, which is what the status file still records.
  return [
    `${hostPathOf(root, UPDATES_DIRECTORY)} holds ${entries.length} record(s) not yet merged into the status file: dpkg is running or was interrupted, so the inventory may be out of date. Run "dpkg --configure -a" on that system, then scan again.`,
  ];
}

function hostPathOf(root: string, path: string): string {
  return root === "/" || root === "" ? path : `${root.replace(/\/+$/, "")}${path}`;
}
