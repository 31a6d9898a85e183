import { existsSync, rmSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import type { CortexDatabase } from "../store/open-database.ts";
import { deleteHistoryEntry, listHistoryBefore } from "./history-store.ts";

export interface PruneResult {
  removedEntries: number[];
  removedFiles: number;
}

/**
 * Removes the history entries that started before `cutoff` and their saved .deb files
 * (`<dataDir>/packages/<id>/`). Running entries stay: their run may still be going.
 * Files outside `<dataDir>/packages/` are never deleted.
 */
export function pruneHistory(db: CortexDatabase, dataDir: string, cutoff: Date): PruneResult {
  const packagesDirectory = resolve(dataDir, "packages");
  const result: PruneResult = { removedEntries: [], removedFiles: 0 };
  for (const entry of listHistoryBefore(db, cutoff)) {
    if (entry.status === "running") continue;
    for (const pkg of entry.packages) {
      if (pkg.savedFile === null) continue;
      const path = resolve(pkg.savedFile);
      if (!path.startsWith(packagesDirectory + sep) || !existsSync(path)) continue;
      rmSync(path, { force: true });
      result.removedFiles += 1;
    }
    rmSync(join(packagesDirectory, String(entry.id)), { recursive: true, force: true });
    deleteHistoryEntry(db, entry.id);
    result.removedEntries.push(entry.id);
  }
  return result;
}
