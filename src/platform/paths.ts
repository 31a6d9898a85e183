import { join, resolve } from "node:path";

export interface PathInputs {
  env: Record<string, string | undefined>;
  uid: number;
  homeDir: string;
}

/**
 * Resolves the data directory to an absolute path: `--data-dir`, else `CORTEX_DATA_DIR`, else
 * `/var/lib/cortex` for root and `~/.cortex` for other users.
 */
export function resolveDataDir(option: string | undefined, inputs: PathInputs): string {
  // Absolute, because history entries store paths under it and apt runs with other cwds.
  if (option) return resolve(option);
  const fromEnv = inputs.env.CORTEX_DATA_DIR;
  if (fromEnv) return resolve(fromEnv);
  return inputs.uid === 0 ? "/var/lib/cortex" : join(inputs.homeDir, ".cortex");
}

/**
 * Lists the configuration directories in reading order (later files win):
 * only `CORTEX_CONFIG_DIR` when it is set, else `/etc/cortex` then `~/.cortex`.
 */
export function configDirectories(inputs: PathInputs): string[] {
  const fromEnv = inputs.env.CORTEX_CONFIG_DIR;
  if (fromEnv) return [fromEnv];
  return ["/etc/cortex", join(inputs.homeDir, ".cortex")];
}

/** File name of the SQLite database inside the data directory. */
export const DATABASE_FILE_NAME = "cortex.db";
