import picomatch from "picomatch";
import { z } from "zod";
import { loadConfigFiles } from "../config/load-config-files.ts";
import { MAX_DURATION_DAYS } from "../history/parse-duration.ts";
import { configDirectories, type PathInputs } from "../platform/paths.ts";
import { RATED_SEVERITIES_ASCENDING, type RatedSeverity } from "../severity/severity.ts";

/** Name of the patcher's configuration file in each configuration directory. */
export const PATCHER_CONFIG_FILE = "patcher_config.json";

const packagePattern = z
  .string()
  .min(1)
  .refine((pattern) => !/\s/.test(pattern), "a package pattern must not contain whitespace")
  .refine(isValidGlob, "not a valid shell-style glob");

/**
 * `patcher_config.json`. Every key is optional; unknown keys are rejected so that a
 * misspelt `blacklist` does not silently let every package through.
 */
export const patcherConfigSchema = z
  .object({
    /** When not empty, only packages matching one of these patterns are upgraded. */
    whitelist: z.array(packagePattern).optional(),
    /** Packages matching one of these patterns are never upgraded. */
    blacklist: z.array(packagePattern).optional(),
    /** Vulnerabilities rated below this are not patched. */
    min_severity: z.enum(RATED_SEVERITIES_ASCENDING).optional(),
    /** Rating used for vulnerabilities that have none. */
    unknown_severity: z.enum(RATED_SEVERITIES_ASCENDING).optional(),
    /** Days that history entries and their saved .deb files are kept by `history prune`. */
    saved_package_retention_days: z.number().int().positive().max(MAX_DURATION_DAYS).optional(),
  })
  .strict();

export interface PatcherConfig {
  whitelist: string[];
  blacklist: string[];
  minSeverity: RatedSeverity;
  unknownSeverity: RatedSeverity;
  savedPackageRetentionDays: number;
}

export const DEFAULT_PATCHER_CONFIG: PatcherConfig = {
  whitelist: [],
  blacklist: [],
  minSeverity: "low",
  unknownSeverity: "high",
  savedPackageRetentionDays: 90,
};

/**
 * Loads `patcher_config.json` from the configuration directories (`/etc/cortex/`, then
 * `~/.cortex/`, a later file overriding the keys it sets; only `CORTEX_CONFIG_DIR` when set).
 * Throws `inputError` (exit 3) naming the file and key when a file is invalid.
 */
export function loadPatcherConfig(inputs: PathInputs): PatcherConfig {
  const file = loadConfigFiles(configDirectories(inputs), PATCHER_CONFIG_FILE, patcherConfigSchema);
  return {
    whitelist: file.whitelist ?? DEFAULT_PATCHER_CONFIG.whitelist,
    blacklist: file.blacklist ?? DEFAULT_PATCHER_CONFIG.blacklist,
    minSeverity: file.min_severity ?? DEFAULT_PATCHER_CONFIG.minSeverity,
    unknownSeverity: file.unknown_severity ?? DEFAULT_PATCHER_CONFIG.unknownSeverity,
    savedPackageRetentionDays:
      file.saved_package_retention_days ?? DEFAULT_PATCHER_CONFIG.savedPackageRetentionDays,
  };
}

function isValidGlob(pattern: string): boolean {
  try {
    picomatch.makeRe(pattern, { strictBrackets: true });
    return true;
  } catch {
    return false;
  }
}
