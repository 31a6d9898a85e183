import { count, desc, eq } from "drizzle-orm";
import type { HistoryEntry as StoredHistoryEntry } from "../history/history-entry.ts";
import { listHistory, loadHistoryEntry } from "../history/history-store.ts";
import type { InstalledPackage } from "../inventory/installed-package.ts";
import type { CommandRunner } from "../platform/command-runner.ts";
import type { Logger } from "../platform/logger.ts";
import { onCalendarOf } from "../scheduler/on-calendar.ts";
import { lastScheduleRun, listSchedules } from "../scheduler/schedule-store.ts";
import { nextElapse } from "../scheduler/systemd-calendar.ts";
import {
  advisoryCountsByEcosystem,
  dataFreshness,
  listDataSources,
} from "../store/advisory-store.ts";
import type { CortexDatabase } from "../store/open-database.ts";
import { loadLatestScan } from "../store/scan-store.ts";
import { historyEntries } from "../store/schema/history.ts";
import type { ReadOnlyDatabase } from "./read-only-database.ts";
import { readRebootStatus } from "./read-reboot-status.ts";
import type {
  EcosystemFreshness,
  HistoryEntry,
  ScheduleState,
  StatusSources,
} from "./status-sources.ts";

export interface DatabaseStatusSourcesOptions {
  database: ReadOnlyDatabase;
  /**
   * Root whose scans are reported: `/` for this host. Scans of other roots and
   * scans limited by `--package` are left out, because their counts would not
   * describe the whole system.
   */
  scanRoot: string;
  /** Runs `systemd-analyze calendar` to find the next run of each installed timer. */
  runner: CommandRunner;
  now: () => Date;
  /** Reads a host file, or returns null when it does not exist (`/var/run/reboot-required`). */
  readHostFile: (path: string) => string | null;
  /** Reads the installed packages of the host, for the kernel part of the reboot check. */
  readInstalledPackages: () => Promise<readonly InstalledPackage[]>;
  /** `uname -r` of the running kernel, or null when unknown. */
  runningKernelRelease: string | null;
  /** Receives a warning when the installed packages cannot be read. */
  log: Logger;
}

/**
 * Reads the status from the cortex database and the host. Before the first
 * scan or import the database file may not exist, and every source then
 * reports nothing recorded.
 */
export function createDatabaseStatusSources(options: DatabaseStatusSourcesOptions): StatusSources {
  const { database } = options;
  const readInstalledPackages = packagesOrNone(options);
  return {
    latestScan: () =>
      withDatabase(database, null, (db) =>
        loadLatestScan(db, { root: options.scanRoot, fullOnly: true }),
      ),
    dataFreshness: () => withDatabase(database, [], readDataFreshness),
    schedules: () =>
      withDatabase(database, Promise.resolve([]), (db) =>
        readSchedules(db, options.runner, options.now()),
      ),
    history: (limit) =>
      withDatabase(database, [], (db) => listHistory(db, { limit }).map(withoutCommandOutput)),
    lastPatchRun: () => withDatabase(database, null, readLastPatchRun),
    patchRunCounts: () => withDatabase(database, {}, countPatchRuns),
    rebootStatus: () =>
      readRebootStatus({
        readHostFile: options.readHostFile,
        readInstalledPackages,
        runningKernelRelease: options.runningKernelRelease,
      }),
  };
}

/**
 * Wraps `readInstalledPackages` so that a failure returns no packages, and a
 * host whose dpkg database cannot be read still reports the reboot-required
 * file. Each distinct failure is logged once, not on every scrape.
 */
function packagesOrNone(
  options: DatabaseStatusSourcesOptions,
): () => Promise<readonly InstalledPackage[]> {
  let lastFailure: string | null = null;
  return async () => {
    try {
      const packages = await options.readInstalledPackages();
      lastFailure = null;
      return packages;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== lastFailure) {
        options.log.warn(
          `failed to read the installed packages, so the reboot check ignores kernels until they can be read: ${message}`,
        );
      }
      lastFailure = message;
      return [];
    }
  };
}

function withDatabase<T>(database: ReadOnlyDatabase, empty: T, read: (db: CortexDatabase) => T): T {
  const db = database.get();
  return db === null ? empty : read(db);
}

/**
 * Drops the stdout and stderr of the commands a run executed, so that the size
 * of a `/history` response depends on the number of entries and not on apt's
 * output. The command line, exit code and timing stay.
 */
function withoutCommandOutput(entry: StoredHistoryEntry): HistoryEntry {
  return {
    ...entry,
    commands: entry.commands.map(({ stdout: _stdout, stderr: _stderr, ...command }) => command),
  };
}

function readLastPatchRun(db: CortexDatabase): HistoryEntry | null {
  const row = db
    .select({ id: historyEntries.id })
    .from(historyEntries)
    .where(eq(historyEntries.kind, "patch"))
    .orderBy(desc(historyEntries.startedAt), desc(historyEntries.id))
    .limit(1)
    .get();
  const entry = row === undefined ? null : loadHistoryEntry(db, row.id);
  return entry === null ? null : withoutCommandOutput(entry);
}

function countPatchRuns(db: CortexDatabase): Record<string, number> {
  const rows = db
    .select({ status: historyEntries.status, runs: count() })
    .from(historyEntries)
    .where(eq(historyEntries.kind, "patch"))
    .groupBy(historyEntries.status)
    .all();
  return Object.fromEntries(rows.map((row) => [row.status, row.runs]));
}

/** Lists every ecosystem that has stored records or a recorded refresh. */
function readDataFreshness(db: CortexDatabase): EcosystemFreshness[] {
  const ecosystems = new Set(advisoryCountsByEcosystem(db).map((row) => row.ecosystem));
  for (const source of listDataSources(db)) ecosystems.add(source.ecosystem);
  return [...ecosystems].sort().map((ecosystem) => {
    const freshness = dataFreshness(db, ecosystem);
    return { ecosystem, refreshedAt: freshness.refreshedAt, recordCount: freshness.recordCount };
  });
}

async function readSchedules(
  db: CortexDatabase,
  runner: CommandRunner,
  now: Date,
): Promise<ScheduleState[]> {
  const states: ScheduleState[] = [];
  for (const schedule of listSchedules(db)) {
    const onCalendar = onCalendarOf(schedule);
    const lastRun = lastScheduleRun(db, schedule.id);
    // Without an installed and enabled timer nothing fires, so there is no next run.
    const timerInstalled = schedule.timerUnitDir !== null;
    const nextRunAt =
      timerInstalled && schedule.timerEnabled ? await nextElapse(runner, onCalendar, now) : null;
    states.push({
      id: schedule.id,
      frequency: schedule.frequency,
      onCalendar,
      patchEnabled: schedule.patchEnabled,
      strategy: schedule.strategy,
      timerInstalled,
      timerEnabled: schedule.timerEnabled,
      lastRun:
        lastRun === null
          ? null
          : {
              startedAt: lastRun.startedAt,
              finishedAt: lastRun.finishedAt,
              outcome: lastRun.outcome,
            },
      nextRunAt,
    });
  }
  return states;
}
