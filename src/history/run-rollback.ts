import { existsSync } from "node:fs";
import { readDpkgDatabase } from "../inventory/dpkg/read-dpkg-database.ts";
import type { InstalledPackage } from "../inventory/installed-package.ts";
import { AptClient } from "../patching/apt-client.ts";
import { createAptEnvironment } from "../patching/apt-environment.ts";
import { checkDpkgNotInterrupted } from "../patching/check-dpkg-interrupted.ts";
import {
  type AptChangeResult,
  executeAptChange,
  readAutomaticMarks,
  simulateChange,
} from "../patching/execute-apt-change.ts";
import {
  DEFAULT_APT_LOCK_TIMEOUT_SECONDS,
  DEFAULT_RUN_LOCK_WAIT_MS,
  logLockWait,
  PATCH_LOCK_NAME,
} from "../patching/run-patch.ts";
import { sha256File } from "../patching/sha256-file.ts";
import type { CommandRunner } from "../platform/command-runner.ts";
import { CortexError, inputError, isCortexError } from "../platform/errors.ts";
import { ExitCode } from "../platform/exit-codes.ts";
import type { Logger } from "../platform/logger.ts";
import { acquireRunLock } from "../platform/run-lock.ts";
import type { CortexDatabase } from "../store/open-database.ts";
import type { HistoryPackage, HistoryStatus } from "./history-entry.ts";
import {
  insertHistoryEntry,
  loadHistoryEntry,
  recordRunError,
  updateHistoryEntry,
} from "./history-store.ts";
import { planRollback, type RollbackPlan } from "./plan-rollback.ts";
import { endInterruptedRuns } from "./record-interrupted-runs.ts";

export interface RollbackRequest {
  /** History entry of the patch run to revert. */
  id: number;
  /** Change the system; without it only the plan is shown. */
  apply: boolean;
  dataDir: string;
  aptLockTimeoutSeconds?: number;
  runLockWaitMs?: number;
}

export interface RollbackServices {
  db: CortexDatabase;
  now: () => Date;
  log: Logger;
  runner: CommandRunner;
  uid: number;
  runningKernelRelease: string | null;
}

export interface RollbackRunResult {
  plan: RollbackPlan;
  /** The rollback's own history entry, or null for a dry run. */
  historyId: number | null;
  status: "planned" | Exclude<HistoryStatus, "running" | "refused">;
  packages: HistoryPackage[];
  exitCode: ExitCode;
}

/**
 * Rolls back patch entry `request.id` on the root recorded in the entry: reinstalls the
 * saved .deb files with `--allow-downgrades` and records the rollback as its own entry.
 * Without `apply` it only plans. Throws a `CortexError` with exit code 12 when the entry
 * cannot be rolled back (a saved file is missing, a package changed again since), 3 when
 * there is no such entry, 5 when applying without root.
 */
export async function runRollback(
  request: RollbackRequest,
  services: RollbackServices,
): Promise<RollbackRunResult> {
  let entry = loadHistoryEntry(services.db, request.id);
  if (entry === null) {
    throw inputError(
      `there is no history entry #${request.id}; list the entries with "cortex security history"`,
    );
  }
  if (request.apply && services.uid !== 0) {
    throw new CortexError(
      `rolling back needs root (running as uid ${services.uid}); run "sudo cortex security rollback ${request.id} --apply"`,
      ExitCode.permissionDenied,
    );
  }

  // A dry run takes the lock only when it is free, to end interrupted entries (see below).
  const lock = request.apply
    ? await acquireRunLock(request.dataDir, PATCH_LOCK_NAME, {
        waitMs: request.runLockWaitMs ?? DEFAULT_RUN_LOCK_WAIT_MS,
        onWait: (holder) => logLockWait(services.log, holder, request.runLockWaitMs),
      })
    : await acquireRunLock(request.dataDir, PATCH_LOCK_NAME, { waitMs: 0 }).catch(() => null);
  try {
    if (lock !== null) {
      // With the lock held, an entry still running belongs to a process that died.
      await endInterruptedRuns(request.dataDir, services);
      entry = loadHistoryEntry(services.db, request.id) ?? entry;
    }
    const apt = new AptClient(
      createAptEnvironment(entry.root, request.dataDir),
      services.runner,
      services.now,
    );
    const versions = await apt.installedVersions();
    const current = new Map([...versions].map(([key, value]) => [key, value.version]));
    const digests = await hashSavedFiles(entry.packages);
    const plan = planRollback(
      entry,
      current,
      await readInstalled(entry.root),
      apt.environment.isHost ? services.runningKernelRelease : null,
      existsSync,
      (path) => digests.get(path) ?? null,
    );
    if (plan.problems.length > 0) {
      throw new CortexError(
        `cannot roll back entry #${entry.id} on ${entry.root}: ${plan.problems.join("; ")}`,
        ExitCode.rollbackRefused,
      );
    }
    for (const warning of plan.warnings) services.log.warn(warning);
    if (!request.apply) {
      return { plan, historyId: null, status: "planned", packages: [], exitCode: ExitCode.ok };
    }
    return await applyRollback(plan, apt, request, services);
  } finally {
    lock?.release();
  }
}

async function applyRollback(
  plan: RollbackPlan,
  apt: AptClient,
  request: RollbackRequest,
  services: RollbackServices,
): Promise<RollbackRunResult> {
  await checkDpkgNotInterrupted(apt.environment);
  const targets = plan.steps.map((step) => step.savedFile);
  await simulateChange(apt, targets, { allowDowngrades: true, planned: plan.steps });

  const planned: HistoryPackage[] = plan.steps.map((step) => ({
    package: step.package,
    arch: step.arch,
    sourcePackage: step.sourcePackage,
    versionBefore: step.currentVersion,
    versionPlanned: step.targetVersion,
    versionReached: null,
    automatic: step.automatic,
    savedFile: null,
    savedBy: null,
  }));
  const packages = await readAutomaticMarks(apt, planned);
  const historyId = insertHistoryEntry(services.db, {
    kind: "rollback",
    status: "running",
    root: plan.root,
    startedAt: services.now(),
    finishedAt: null,
    strategy: null,
    rollbackOf: plan.entryId,
    plan: null,
    packages,
    commands: apt.transcript,
    messages: plan.warnings,
    reboot: null,
  });

  services.log.info(`reinstalling ${targets.join(" ")}`);
  let change: AptChangeResult;
  try {
    change = await executeAptChange(apt, targets, packages, {
      allowDowngrades: true,
      lockTimeoutSeconds: request.aptLockTimeoutSeconds ?? DEFAULT_APT_LOCK_TIMEOUT_SECONDS,
    });
  } catch (error) {
    recordRunError(services.db, historyId, error, apt.transcript, services.now());
    throw error;
  }
  updateHistoryEntry(services.db, historyId, {
    status: change.status,
    finishedAt: services.now(),
    packages: change.packages,
    commands: apt.transcript,
    messages: [...plan.warnings, ...change.messages],
  });
  if (change.status === "succeeded") {
    updateHistoryEntry(services.db, plan.entryId, { rolledBackBy: historyId });
  }
  for (const message of change.messages) services.log.warn(message);
  return {
    plan,
    historyId,
    status: change.status,
    packages: change.packages,
    exitCode: change.exitCode,
  };
}

/** SHA-256 of each saved .deb that has a recorded digest and is still on disk, by path. */
async function hashSavedFiles(packages: readonly HistoryPackage[]): Promise<Map<string, string>> {
  const digests = new Map<string, string>();
  for (const pkg of packages) {
    if (!pkg.savedFile || !pkg.savedSha256 || !existsSync(pkg.savedFile)) continue;
    digests.set(pkg.savedFile, await sha256File(pkg.savedFile));
  }
  return digests;
}

/** Installed packages for the Essential check; an unreadable database only loses that check. */
async function readInstalled(root: string): Promise<InstalledPackage[]> {
  try {
    return (await readDpkgDatabase(root)).packages;
  } catch (error) {
    if (isCortexError(error)) return [];
    throw error;
  }
}
