import { resolveDataDir } from "../platform/paths.ts";
import { type CortexDatabase, openDatabase } from "../store/open-database.ts";
import { pathInputsOf } from "./cli-deps.ts";
import type { CommandContext } from "./command-context.ts";

/**
 * Opens the database of the data directory that `--data-dir` (or its default) names, runs
 * `use` on it, and closes it afterwards, also when `use` throws.
 */
export async function withDatabase<T>(
  context: CommandContext,
  dataDirOption: string | undefined,
  use: (db: CortexDatabase, dataDir: string) => T | Promise<T>,
): Promise<T> {
  const { deps } = context;
  const dataDir = resolveDataDir(dataDirOption, pathInputsOf(deps));
  const db = openDatabase(dataDir);
  try {
    return await use(db, dataDir);
  } finally {
    db.$client.close();
  }
}
