import { stat } from "node:fs/promises";
import { inputError, isCortexError, usageError } from "../platform/errors.ts";
import { detectEcosystem, validateEcosystem } from "./detect-ecosystem.ts";
import { readDpkgDatabase } from "./dpkg/read-dpkg-database.ts";
import type { InstalledPackage } from "./installed-package.ts";
import { findOsRelease, type OsReleaseFile, readOsRelease } from "./read-os-release.ts";

export interface Inventory {
  packages: InstalledPackage[];
  /** Skipped or doubtful records and overridden detections, one line each. */
  warnings: string[];
  /** OSV ecosystem of the host: `Debian:12`, `Ubuntu:22.04:LTS`. */
  ecosystem: string;
  /** Values of the os-release file; empty when the file is missing and an override is given. */
  osRelease: Record<string, string>;
  /** Host paths of the dpkg status files that contributed packages. */
  statusPaths: string[];
}

export interface ReadInventoryOptions {
  /** `--ecosystem` value that replaces detection from os-release. */
  ecosystemOverride?: string;
}

/**
 * Reads the installed packages and the release of the system mounted at `root` (`/` for
 * this host). With `ecosystemOverride` the os-release file may be missing or name an
 * unsupported system; a detection that the override changes becomes a warning.
 *
 * Throws `usageError` for a malformed override or a `root` that is not a directory, and
 * `inputError` when the dpkg database or, without an override, the release cannot be read.
 */
export async function readInventory(
  root: string,
  options: ReadInventoryOptions = {},
): Promise<Inventory> {
  const override =
    options.ecosystemOverride === undefined
      ? undefined
      : validateEcosystem(options.ecosystemOverride);
  await checkRootDirectory(root);
  const warnings: string[] = [];
  let osRelease: Record<string, string> = {};
  let ecosystem: string;

  if (override === undefined) {
    const file = await readOsRelease(root);
    osRelease = file.values;
    ecosystem = detectEcosystem(file.values, file.path);
  } else {
    ecosystem = override;
    const file = await findOsRelease(root);
    if (file !== null) {
      osRelease = file.values;
      warnings.push(...compareWithDetection(override, file));
    }
  }

  const database = await readDpkgDatabase(root);
  return {
    packages: database.packages,
    warnings: [...warnings, ...database.warnings],
    ecosystem,
    osRelease,
    statusPaths: database.statusPaths,
  };
}

/**
 * Throws `usageError` when `root` is missing or not a directory, which otherwise surfaces
 * as a missing os-release or dpkg database inside it.
 */
async function checkRootDirectory(root: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(root)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") {
      throw inputError(`failed to inspect --root ${root}: ${(error as Error).message}`, error);
    }
    throw usageError(
      `--root ${root} does not exist: give the top directory of the system to scan`,
      error,
    );
  }
  if (!isDirectory) {
    throw usageError(
      `--root ${root} is not a directory: give the top directory of the system to scan`,
    );
  }
}

/** Returns a warning when os-release describes another release than the override. */
function compareWithDetection(override: string, file: OsReleaseFile): string[] {
  let detected: string;
  try {
    detected = detectEcosystem(file.values, file.path);
  } catch (error) {
    if (!isCortexError(error)) throw error;
    const id = file.values.ID ?? "(missing)";
    const versionId = file.values.VERSION_ID ?? "(missing)";
    detected = `an unsupported system (ID=${id}, VERSION_ID=${versionId})`;
  }
  if (detected === override) return [];
  return [`Using --ecosystem ${override}, although ${file.path} describes ${detected}.`];
}
