import { resolve } from "node:path";
import type { CortexConfig } from "../config/cortex-config.ts";
import type { HistoryPackage, RebootStatus } from "../history/history-entry.ts";
import { endInterruptedRuns } from "../history/record-interrupted-runs.ts";
import { readDpkgDatabase } from "../inventory/dpkg/read-dpkg-database.ts";
import type { CommandRunner } from "../platform/command-runner.ts";
import { CortexError, inputError } from "../platform/errors.ts";
import { ExitCode } from "../platform/exit-codes.ts";
import { formatAge } from "../platform/format-age.ts";
import type { Logger } from "../platform/logger.ts";
import { acquireRunLock } from "../platform/run-lock.ts";
import type { Finding } from "../scan/finding.ts";
import type { ScanRequest } from "../scan/run-scan.ts";
import type { ScanResult } from "../scan/scan-result.ts";
import type { CortexDatabase } from "../store/open-database.ts";
import { loadLatestScan } from "../store/scan-store.ts";
import { applyPlan } from "./apply-plan.ts";
import { AptClient } from "./apt-client.ts";
import { createAptEnvironment } from "./apt-environment.ts";
import { classifyAptFailure, summarizeAptOutput } from "./classify-apt-failure.ts";
import { lookupCandidates } from "./lookup-candidates.ts";
import type { PatchPlan, PatchStrategy } from "./patch-plan.ts";
import type { PatcherConfig } from "./patcher-config.ts";
import { isNamedPackage, planPatch } from "./plan-patch.ts";
import { scanForPatch } from "./scan-for-patch.ts";

/** A recorded scan older than this is refused as the basis of a plan. */
export const MAX_SCAN_AGE_MS = 24 * 60 * 60 * 1000;
/** Seconds apt waits for a dpkg lock held by another apt before failing (`DPkg::Lock::Timeout`). */
export const DEFAULT_APT_LOCK_TIMEOUT_SECONDS = 300;
/** How long a patch run waits for another cortex patch run to finish. */
export const DEFAULT_RUN_LOCK_WAIT_MS = 60_000;
/**
 * Name of the run lock `<dataDir>/locks/patch.lock`. Patch runs, rollbacks and `history prune`
 * all take it, so only one of them at a time changes history entries or saved .deb files.
 */
export const PATCH_LOCK_NAME = "patch";

export interface PatchRequest {
  /** Filesystem root: `/` for this host, or a chroot or mounted image. */
  root: string;
  strategy: PatchStrategy;
  /** Change the system; without it only the plan is computed. */
  apply: boolean;
  /** Use the local advisory database only and skip `apt-get update`. */
  offline: boolean;
  /** Skip `apt-get update` before applying. */
  noUpdate: boolean;
  /** Only this binary or source package. */
  packageName?: string;
  /** Scan first; else plan from the last recorded full scan of the root. */
  scanFirst: boolean;
  dataDir: string;
  /** `DPkg::Lock::Timeout` in seconds; default `DEFAULT_APT_LOCK_TIMEOUT_SECONDS`. */
  aptLockTimeoutSeconds?: number;
  /** How long to wait for another cortex patch run; default `DEFAULT_RUN_LOCK_WAIT_MS`. */
  runLockWaitMs?: number;
}

export interface PatchServices {
  db: CortexDatabase;
  config: CortexConfig;
  /** `patcher_config.json` as `loadPatcherConfig` returns it. */
  patcherConfig: PatcherConfig;
  fetch: typeof fetch;
  now: () => Date;
  log: Logger;
  runner: CommandRunner;
  /** Effective user id; applying needs 0. */
  uid: number;
  runningKernelRelease: string | null;
  /** Replaces `runScan` (tests drive the patcher with findings they construct). */
  scan?: (request: ScanRequest) => Promise<ScanResult>;
}

/**
 * - `planned`: dry run, nothing changed;
 * - `nothing-to-do`: the plan upgrades no package;
 * - `succeeded`, `partial`, `failed`: outcome of applying, as recorded in history.
 */
export type PatchStatus = "planned" | "nothing-to-do" | "succeeded" | "partial" | "failed";

export interface PatchOutcome {
  status: PatchStatus;
  /** Packages with versions before, planned and reached (empty for a dry run). */
  packages: HistoryPackage[];
  /** Findings of the patched packages in the rescan after applying, or null when none ran. */
  findingsAfter: Finding[] | null;
  reboot: RebootStatus | null;
  messages: string[];
  /** The scan the plan was computed from. */
  scanId: number | null;
  scanFinishedAt: Date;
  /** When the advisory data behind that scan was last refreshed; null when unknown. */
  dataRefreshedAt: Date | null;
}

export interface PatchRunResult {
  plan: PatchPlan;
  historyId: number | null;
  outcome: PatchOutcome;
  exitCode: ExitCode;
}

/**
 * Runs the patch flow: find the vulnerabilities (scan first, or the last full scan of the
 * root if it is at most 24 hours old), ask apt for candidates, plan, and with `apply`
 * apply the plan (see `applyPlan`). Used by `cortex security patch` and by scheduled runs.
 *
 * Throws `CortexError` for refusals that change nothing: no usable scan or a `packageName`
 * that is not installed (3), not root (5), another patch or rollback run (6), apt lock timeout
 * during `apt-get update` (7), a failed `apt-cache policy` (10). Applying also throws for an
 * interrupted dpkg (8), too little free space (9), and a rejected simulation, a failed
 * `apt-mark showauto` or a failed package save (10).
 */
export async function runPatch(
  request: PatchRequest,
  services: PatchServices,
): Promise<PatchRunResult> {
  const root = resolve(request.root);
  if (request.apply && services.uid !== 0) {
    throw new CortexError(
      `applying patches needs root (running as uid ${services.uid}); run "sudo cortex security patch --apply ...", or leave out --apply to see the plan`,
      ExitCode.permissionDenied,
    );
  }

  const lock = request.apply
    ? await acquireRunLock(request.dataDir, PATCH_LOCK_NAME, {
        waitMs: request.runLockWaitMs ?? DEFAULT_RUN_LOCK_WAIT_MS,
        onWait: (holder) => logLockWait(services.log, holder, request.runLockWaitMs),
      })
    : null;
  try {
    // With the lock held, a history entry still running belongs to a process that died.
    if (lock !== null) await endInterruptedRuns(request.dataDir, services);
    return await planAndApply({ ...request, root }, services);
  } finally {
    lock?.release();
  }
}

/** Logs that another patch or rollback run holds the lock, so a silent wait is explained. */
export function logLockWait(log: Logger, holderPid: string | null, waitMs?: number): void {
  const seconds = Math.round((waitMs ?? DEFAULT_RUN_LOCK_WAIT_MS) / 1000);
  log.info(
    `another patch or rollback run${holderPid ? ` (pid ${holderPid})` : ""} holds the patch lock; waiting up to ${seconds} s for it to finish`,
  );
}

async function planAndApply(
  request: PatchRequest,
  services: PatchServices,
): Promise<PatchRunResult> {
  const { log } = services;
  const lockTimeout = request.aptLockTimeoutSeconds ?? DEFAULT_APT_LOCK_TIMEOUT_SECONDS;
  const scan = await obtainScan(request, services);
  const apt = new AptClient(
    createAptEnvironment(request.root, request.dataDir),
    services.runner,
    services.now,
  );

  if (request.apply && !request.offline && !request.noUpdate) {
    log.info(`running apt-get update for ${request.root}`);
    const updated = await apt.update(lockTimeout);
    if (updated.exitCode !== 0) {
      const output = `${updated.stdout}\n${updated.stderr}`;
      if (classifyAptFailure(output) === "lock-timeout") {
        throw new CortexError(
          `apt-get update could not get the apt lock on ${request.root} within ${lockTimeout} s: ${summarizeAptOutput(output)}. Wait for the other package manager to finish, then run again.`,
          ExitCode.aptLockTimeout,
        );
      }
      log.warn(
        `apt-get update failed (exit ${updated.exitCode}), planning from the package lists already on disk: ${summarizeAptOutput(output)}`,
      );
    }
  }

  const inventory = await readDpkgDatabase(request.root);
  const { packageName } = request;
  if (
    packageName !== undefined &&
    !inventory.packages.some((pkg) => isNamedPackage(pkg, packageName))
  ) {
    throw inputError(
      `package ${packageName} is not installed under ${request.root}: give an installed binary or source package name, or NAME:ARCH`,
    );
  }
  const lookup = await lookupCandidates(apt, scan.findings, inventory.packages);
  const { patcherConfig } = services;
  const plan = planPatch(scan.findings, lookup.candidates, inventory.packages, {
    strategy: request.strategy,
    minSeverity: patcherConfig.minSeverity,
    unknownSeverity: patcherConfig.unknownSeverity,
    whitelist: patcherConfig.whitelist,
    blacklist: patcherConfig.blacklist,
    packageName: request.packageName ?? null,
  });

  const outcome: PatchOutcome = {
    status: "planned",
    packages: [],
    findingsAfter: null,
    reboot: null,
    messages: [],
    scanId: scan.id,
    scanFinishedAt: scan.finishedAt,
    dataRefreshedAt: scan.dataRefreshedAt,
  };
  if (!request.apply) return { plan, historyId: null, outcome, exitCode: ExitCode.ok };
  if (plan.upgrades.length === 0) {
    log.info("the plan upgrades no package; nothing to apply");
    return {
      plan,
      historyId: null,
      outcome: { ...outcome, status: "nothing-to-do" },
      exitCode: ExitCode.ok,
    };
  }

  return applyPlan(
    {
      plan,
      apt,
      inventory: inventory.packages,
      records: lookup.records,
      lockTimeout,
      request,
      scan,
    },
    services,
  );
}

async function obtainScan(request: PatchRequest, services: PatchServices): Promise<ScanResult> {
  const scan = (scanRequest: ScanRequest) => scanForPatch(scanRequest, services);
  if (request.scanFirst) {
    services.log.info(`scanning ${request.root} before planning`);
    return scan({
      root: request.root,
      packageName: request.packageName,
      offline: request.offline,
      refresh: false,
      nvd: !request.offline,
    });
  }

  const latest = loadLatestScan(services.db, { root: request.root, fullOnly: true });
  if (latest === null) {
    throw inputError(
      `no full scan of ${request.root} is recorded; run "cortex security scan --root ${request.root}" first, or patch with --scan-and-patch`,
    );
  }
  const ageMs = services.now().getTime() - latest.finishedAt.getTime();
  const age = formatAge(ageMs / 1000);
  if (ageMs > MAX_SCAN_AGE_MS) {
    throw inputError(
      `the last full scan of ${request.root} (#${latest.id}) finished ${age} ago, at ${latest.finishedAt.toISOString()}, which is older than 24 hours; scan again with "cortex security scan --root ${request.root}", or patch with --scan-and-patch`,
    );
  }
  services.log.info(
    `planning from scan #${latest.id} of ${request.root}, finished ${age} ago (${latest.finishedAt.toISOString()})`,
  );
  return latest;
}
