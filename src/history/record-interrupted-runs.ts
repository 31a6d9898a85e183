import { AptClient } from "../patching/apt-client.ts";
import { createAptEnvironment } from "../patching/apt-environment.ts";
import { isDpkgJournalPending } from "../patching/check-dpkg-interrupted.ts";
import { compareInstalledVersions } from "../patching/execute-apt-change.ts";
import type { CommandRunner } from "../platform/command-runner.ts";
import type { Logger } from "../platform/logger.ts";
import type { CortexDatabase } from "../store/open-database.ts";
import type { HistoryStatus } from "./history-entry.ts";
import { listRunningHistory, updateHistoryEntry } from "./history-store.ts";

/**
 * Reads the installed versions of one root by `name:arch`, with dpkg's state abbreviation.
 * Returns null while dpkg's journal on that root has records: a dpkg left running by the
 * killed process may still change the versions, or it was interrupted.
 */
export type ReadInstalledVersions = (
  root: string,
) => Promise<ReadonlyMap<string, { version: string; status: string }> | null>;

/** An entry that `recordInterruptedRuns` ended, with the status it recorded. */
export interface InterruptedRun {
  id: number;
  status: HistoryStatus;
}

/**
 * Ends the history entries still `running` whose process died (killed, or the machine
 * stopped) before it recorded an outcome. It reads the installed versions of each entry's
 * root and records `versionReached` and the status by the rule of a finished run, so that
 * `rollback` can undo what the run changed and `history prune` can remove it. `finishedAt`
 * stays null.
 *
 * Call it only while holding the `patch` run lock: every patch and rollback run writes its
 * entry under that lock, so an entry still `running` then has no live process.
 */
export async function recordInterruptedRuns(
  db: CortexDatabase,
  readVersions: ReadInstalledVersions,
  now: Date,
): Promise<InterruptedRun[]> {
  const ended: InterruptedRun[] = [];
  for (const entry of listRunningHistory(db)) {
    const messages = [
      ...entry.messages,
      `the run was interrupted: its process ended before it recorded an outcome, so automatic marks were not restored and no rescan ran; the installed versions were read at ${now.toISOString()}`,
    ];
    let packages = entry.packages;
    let status: HistoryStatus = "failed";
    try {
      const versions = await readVersions(entry.root);
      if (versions === null) continue;
      const compared = compareInstalledVersions(entry.packages, versions);
      packages = compared.packages;
      status = compared.status;
      messages.push(...compared.messages);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      messages.push(
        `reading the installed versions of ${entry.root} failed: ${reason}; check them with dpkg-query before rolling back`,
      );
    }
    updateHistoryEntry(db, entry.id, { status, packages, messages });
    ended.push({ id: entry.id, status });
  }
  return ended;
}

/**
 * Returns a `ReadInstalledVersions` that runs dpkg-query on each root with `runner`, or
 * returns null for a root whose dpkg journal has records.
 */
export function dpkgVersionReader(
  dataDir: string,
  runner: CommandRunner,
  now: () => Date,
): ReadInstalledVersions {
  return async (root) => {
    const environment = createAptEnvironment(root, dataDir);
    if (await isDpkgJournalPending(environment)) return null;
    return new AptClient(environment, runner, now).installedVersions();
  };
}

/**
 * Ends the entries that killed patch or rollback runs left `running` (see
 * `recordInterruptedRuns`) and logs a warning for each. Call it only while holding the
 * `patch` run lock.
 */
export async function endInterruptedRuns(
  dataDir: string,
  services: { db: CortexDatabase; runner: CommandRunner; now: () => Date; log: Logger },
): Promise<void> {
  const reader = dpkgVersionReader(dataDir, services.runner, services.now);
  for (const run of await recordInterruptedRuns(services.db, reader, services.now())) {
    services.log.warn(
      `history entry #${run.id} was still marked running, but its process has ended without recording an outcome; recorded it as ${run.status} from the versions installed now (see "cortex security history show ${run.id}")`,
    );
  }
}
