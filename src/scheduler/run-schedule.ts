import type { CortexConfig } from "../config/cortex-config.ts";
import type { PatchRequest, PatchRunResult, PatchServices } from "../patching/run-patch.ts";
import { isCortexError } from "../platform/errors.ts";
import { ExitCode } from "../platform/exit-codes.ts";
import { acquireRunLock, type RunLock } from "../platform/run-lock.ts";
import { dataAge } from "../scan/data-age.ts";
import type { ScanRequest, ScanServices } from "../scan/run-scan.ts";
import type { ScanResult } from "../scan/scan-result.ts";
import type { Schedule, ScheduleRun, ScheduleStrategy } from "./schedule.ts";
import {
  endInterruptedRuns,
  getScheduleRun,
  type RunEnd,
  recordRunEnd,
  recordRunStart,
} from "./schedule-store.ts";

/**
 * How long a run waits for another run of the same schedule before failing with exit code 6.
 * A timer start and a manual run rarely overlap by more than one scan.
 */
export const DEFAULT_LOCK_WAIT_MS = 10 * 60 * 1000;

export interface ScheduleRunRequest {
  schedule: Schedule;
  /** Data directory holding the schedule, its locks and the patcher's saved packages. */
  dataDir: string;
  /** Filesystem root to scan and patch: `/` for the host, a fixture root in tests. */
  root: string;
  /** Plan the patch but do not apply it. */
  dryRun: boolean;
  lockWaitMs?: number;
}

/**
 * Services of a schedule run: the patcher's, with a required scanner in place of its optional
 * scan stand-in.
 */
export interface ScheduleRunServices extends Omit<PatchServices, "scan"> {
  /** The scanner: `runScan`, or a stand-in in tests. */
  scan: (request: ScanRequest, services: ScanServices) => Promise<ScanResult>;
  /** The patcher: `runPatch`, or a stand-in in tests. */
  patch: (request: PatchRequest, services: PatchServices) => Promise<PatchRunResult>;
  /** Replaceable for tests; default `acquireRunLock`. */
  acquireLock?: typeof acquireRunLock;
}

export interface ScheduleRunResult {
  /** The completed run record. */
  run: ScheduleRun;
  exitCode: ExitCode;
}

/** Lock name of a schedule's runs in `<dataDir>/locks/`. */
export function scheduleLockName(scheduleId: string): string {
  return `schedule-${scheduleId}`;
}

/**
 * Runs a schedule once: scans `request.root`, and with patching on plans with the schedule's
 * strategy and applies the plan (plans only with `dryRun`). Holds the schedule's run lock for
 * the whole run, so a second run of the same schedule waits for the first to end and never
 * interleaves with it. Every attempt leaves a run record, including one that did not get the
 * lock. Findings alone do not fail a run. A scan or patch that could not do its job fails it,
 * with a non-zero exit code and the reason in the record.
 */
export async function runSchedule(
  request: ScheduleRunRequest,
  services: ScheduleRunServices,
): Promise<ScheduleRunResult> {
  const { schedule } = request;
  const acquireLock = services.acquireLock ?? acquireRunLock;
  const lockStartedAt = services.now();
  let lock: RunLock;
  try {
    lock = await acquireLock(request.dataDir, scheduleLockName(schedule.id), {
      waitMs: request.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
    });
  } catch (error) {
    const runId = recordRunStart(services.db, {
      scheduleId: schedule.id,
      startedAt: lockStartedAt,
      dryRun: request.dryRun,
    });
    return finishRun(services, runId, failedEnd(services.now(), error));
  }

  try {
    const interrupted = endInterruptedRuns(
      services.db,
      schedule.id,
      "the run was interrupted: its process ended before it recorded an outcome (killed, stopped by systemd's TimeoutStartSec, or the machine stopped)",
    );
    for (const runId of interrupted) {
      services.log.warn(
        `schedule ${schedule.id}: run ${runId} was still marked running, but its process has ended; recorded it as failed`,
      );
    }
    const runId = recordRunStart(services.db, {
      scheduleId: schedule.id,
      startedAt: services.now(),
      dryRun: request.dryRun,
    });
    services.log.info(
      `schedule ${schedule.id}: run ${runId} started (${describeWork(schedule, request.dryRun)})`,
    );
    let end: RunEnd;
    try {
      end = await scanAndPatch(request, services);
    } catch (error) {
      end = failedEnd(services.now(), error);
      if (!isCortexError(error)) {
        services.log.debug(error instanceof Error ? (error.stack ?? error.message) : String(error));
      }
    }
    return finishRun(services, runId, end);
  } finally {
    lock.release();
  }
}

async function scanAndPatch(
  request: ScheduleRunRequest,
  services: ScheduleRunServices,
): Promise<RunEnd> {
  const { schedule } = request;
  // An offline schedule gets a fetch that fails, so no code path can reach the network.
  const fetchForRun = schedule.offline ? offlineFetch : services.fetch;
  const scan = await services.scan(
    {
      root: request.root,
      offline: schedule.offline,
      refresh: false,
      nvd: !schedule.offline && services.config.nvdEnabled,
    },
    {
      db: services.db,
      config: services.config,
      fetch: fetchForRun,
      now: services.now,
      log: services.log,
      runningKernelRelease: services.runningKernelRelease,
    },
  );

  const warnings = [...scan.warnings];
  const staleness = staleDataWarning(scan, services.config, services.now());
  if (staleness) warnings.push(staleness);
  for (const warning of warnings) services.log.warn(`schedule ${schedule.id}: ${warning}`);

  const end: RunEnd = {
    finishedAt: services.now(),
    outcome: "succeeded",
    exitCode: ExitCode.ok,
    scanId: scan.id,
    counts: scan.counts,
    historyId: null,
    patchOutcome: null,
    reason: null,
    warnings,
  };

  if (schedule.patchEnabled && schedule.strategy !== null) {
    try {
      await patchAfterScan(request, services, schedule.strategy, fetchForRun, end);
    } catch (error) {
      // Only the patch step failed, so the record keeps the scan's id and counts.
      const failed = failedEnd(services.now(), error);
      end.outcome = "failed";
      end.exitCode = failed.exitCode;
      end.reason = failed.reason;
    }
  }

  if (!scan.complete && end.outcome === "succeeded") {
    end.outcome = "failed";
    end.exitCode = ExitCode.incomplete;
    end.reason = `scan incomplete: ${scan.unchecked.length} source packages could not be checked (first: ${describeUnchecked(scan)})`;
  }
  end.finishedAt = services.now();
  return end;
}

/** Plans and applies (or only plans) the patch of a schedule and records its result in `end`. */
async function patchAfterScan(
  request: ScheduleRunRequest,
  services: ScheduleRunServices,
  strategy: ScheduleStrategy,
  fetchForRun: typeof fetch,
  end: RunEnd,
): Promise<void> {
  const patched = await services.patch(
    {
      root: request.root,
      strategy,
      apply: !request.dryRun,
      offline: request.schedule.offline,
      noUpdate: request.schedule.offline,
      scanFirst: false,
      dataDir: request.dataDir,
      runLockWaitMs: request.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
    },
    {
      db: services.db,
      config: services.config,
      patcherConfig: services.patcherConfig,
      fetch: fetchForRun,
      now: services.now,
      log: services.log,
      runner: services.runner,
      uid: services.uid,
      runningKernelRelease: services.runningKernelRelease,
    },
  );
  end.historyId = patched.historyId;
  end.patchOutcome = patched.outcome.status;
  if (patched.exitCode !== ExitCode.ok) {
    const messages = patched.outcome.messages;
    const detail = messages.length ? `: ${messages.join("; ")}` : "";
    end.outcome = "failed";
    end.exitCode = patched.exitCode;
    end.reason = `patch ended with outcome ${patched.outcome.status} (exit code ${patched.exitCode})${detail}`;
  }
}

/**
 * Warns when the scan's advisory data is older than the maximum data age, unless the scanner
 * already reported it. A scan without any advisory data throws in the scanner, which fails the run.
 */
function staleDataWarning(scan: ScanResult, config: CortexConfig, now: Date): string | null {
  if (scan.dataRefreshedAt === null) return null;
  if (scan.warnings.some((warning) => warning.includes("older than the maximum"))) return null;
  const { ageSeconds, stale } = dataAge(scan.dataRefreshedAt, now, config.maxDataAgeDays);
  if (ageSeconds === null || !stale) return null;
  return `advisory data is ${Math.floor(ageSeconds / 86_400)} days old (refreshed ${scan.dataRefreshedAt.toISOString()}), older than the maximum data age of ${config.maxDataAgeDays} days; import fresh data with "cortex security db import"`;
}

function finishRun(services: ScheduleRunServices, runId: number, end: RunEnd): ScheduleRunResult {
  recordRunEnd(services.db, runId, end);
  const run = getScheduleRun(services.db, runId);
  if (run === null) throw new Error(`run record ${runId} disappeared while it was being completed`);
  return { run, exitCode: end.exitCode as ExitCode };
}

function failedEnd(finishedAt: Date, error: unknown): RunEnd {
  const exitCode = isCortexError(error) ? error.exitCode : ExitCode.internal;
  const message = error instanceof Error ? error.message : String(error);
  return {
    finishedAt,
    outcome: "failed",
    exitCode,
    scanId: null,
    counts: null,
    historyId: null,
    patchOutcome: null,
    reason: message,
    warnings: [],
  };
}

function describeWork(schedule: Schedule, dryRun: boolean): string {
  const mode = schedule.offline ? "offline scan" : "scan";
  if (!schedule.patchEnabled) return mode;
  return `${mode}, ${dryRun ? "patch plan only" : "patch"} with strategy ${schedule.strategy}`;
}

function describeUnchecked(scan: ScanResult): string {
  const first = scan.unchecked[0];
  return first ? `${first.sourceName} ${first.sourceVersion}: ${first.reason}` : "none listed";
}

const offlineFetch = (async (input: unknown) => {
  throw new Error(`offline schedule must not use the network (request to ${String(input)})`);
}) as unknown as typeof fetch;
