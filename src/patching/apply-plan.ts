import { join } from "node:path";
import type { HistoryPackage } from "../history/history-entry.ts";
import {
  insertHistoryEntry,
  recordRunError,
  updateHistoryEntry,
} from "../history/history-store.ts";
import { readDpkgDatabase } from "../inventory/dpkg/read-dpkg-database.ts";
import type { InstalledPackage } from "../inventory/installed-package.ts";
import { isCortexError } from "../platform/errors.ts";
import type { ScanResult } from "../scan/scan-result.ts";
import type { AptClient } from "./apt-client.ts";
import { checkDpkgNotInterrupted } from "./check-dpkg-interrupted.ts";
import { checkFreeSpace, type SpaceRequirement } from "./check-free-space.ts";
import { detectReboot } from "./detect-reboot.ts";
import {
  type AptChangeResult,
  executeAptChange,
  readAutomaticMarks,
  simulateChange,
} from "./execute-apt-change.ts";
import type { AptPackageRecord } from "./parse-apt-cache-show.ts";
import type { PatchPlan } from "./patch-plan.ts";
import type { PatchRequest, PatchRunResult, PatchServices } from "./run-patch.ts";
import { savedPackagesDirectory, savePackages } from "./save-packages.ts";
import { scanForPatch } from "./scan-for-patch.ts";

export interface ApplyInputs {
  plan: PatchPlan;
  apt: AptClient;
  inventory: readonly InstalledPackage[];
  /** `apt-cache show` records of the candidates, for the space estimate. */
  records: ReadonlyMap<string, AptPackageRecord>;
  lockTimeout: number;
  request: PatchRequest;
  scan: ScanResult;
}

/**
 * Applies a plan. Before changing anything it rejects an interrupted dpkg (exit 8), too
 * little space (9) and an apt simulation that fails or removes a package (10). Then it records
 * a history entry with the versions before and saves the .deb of each of them. It upgrades
 * with `apt-get install --only-upgrade name:arch=version`, restores automatic marks,
 * verifies the installed versions with dpkg-query, rescans, and records the outcome.
 */
export async function applyPlan(
  inputs: ApplyInputs,
  services: PatchServices,
): Promise<PatchRunResult> {
  const { plan, apt, request, scan } = inputs;
  const { db, log } = services;
  const root = apt.environment.root;

  await checkDpkgNotInterrupted(apt.environment);
  checkFreeSpace(spaceRequirements(inputs));
  const targets = plan.upgrades.map(
    (upgrade) => `${upgrade.package}:${upgrade.arch}=${upgrade.toVersion}`,
  );
  await simulateChange(apt, targets, { allowDowngrades: false, planned: plan.upgrades });

  const planned: HistoryPackage[] = plan.upgrades.map((upgrade) => ({
    package: upgrade.package,
    arch: upgrade.arch,
    sourcePackage: upgrade.sourcePackage,
    versionBefore: upgrade.fromVersion,
    versionPlanned: upgrade.toVersion,
    versionReached: null,
    automatic: false,
    savedFile: null,
    savedBy: null,
  }));
  let packages = await readAutomaticMarks(apt, planned);
  const historyId = insertHistoryEntry(db, {
    kind: "patch",
    status: "running",
    root,
    startedAt: services.now(),
    finishedAt: null,
    strategy: request.strategy,
    rollbackOf: null,
    plan,
    packages,
    commands: apt.transcript,
    messages: [],
    reboot: null,
  });

  try {
    log.info(`saving the installed versions of ${packages.length} package(s) for rollback`);
    packages = await savePackages(
      apt,
      packages,
      savedPackagesDirectory(request.dataDir, historyId),
    );
  } catch (error) {
    const message = isCortexError(error) ? error.message : String(error);
    updateHistoryEntry(db, historyId, {
      status: "refused",
      finishedAt: services.now(),
      commands: apt.transcript,
      messages: [message],
    });
    throw error;
  }
  updateHistoryEntry(db, historyId, { packages, commands: apt.transcript });

  log.info(`upgrading ${targets.join(" ")}`);
  let change: AptChangeResult;
  try {
    change = await executeAptChange(apt, targets, packages, {
      allowDowngrades: false,
      lockTimeoutSeconds: inputs.lockTimeout,
    });
  } catch (error) {
    recordRunError(db, historyId, error, apt.transcript, services.now());
    throw error;
  }
  // Every message of executeAptChange reports an apt or dpkg problem, so each is a warning.
  for (const message of change.messages) log.warn(message);
  const messages = [...change.messages];

  const findingsAfter = await rescan(inputs, services, change.packages, messages);
  const reboot = apt.environment.isHost
    ? await detectReboot({
        installed: (await safeInventory(inputs)) ?? inputs.inventory,
        runningKernelRelease: services.runningKernelRelease,
        runner: services.runner,
      })
    : null;
  updateHistoryEntry(db, historyId, {
    status: change.status,
    finishedAt: services.now(),
    packages: change.packages,
    commands: apt.transcript,
    messages,
    reboot,
  });

  return {
    plan,
    historyId,
    outcome: {
      status: change.status,
      packages: change.packages,
      findingsAfter,
      reboot,
      messages,
      scanId: scan.id,
      scanFinishedAt: scan.finishedAt,
      dataRefreshedAt: scan.dataRefreshedAt,
    },
    exitCode: change.exitCode,
  };
}

function spaceRequirements(inputs: ApplyInputs): SpaceRequirement[] {
  let downloadBytes = 0;
  let unpackedBytes = 0;
  for (const upgrade of inputs.plan.upgrades) {
    const record = inputs.records.get(`${upgrade.package}:${upgrade.arch}`);
    downloadBytes += record?.size ?? 0;
    unpackedBytes += (record?.installedSizeKib ?? 0) * 1024;
  }
  const root = inputs.apt.environment.root;
  const prefix = root === "/" ? "" : root;
  return [
    { path: `${prefix}/var/cache/apt/archives`, bytes: downloadBytes, purpose: "downloads" },
    { path: `${prefix}/usr`, bytes: unpackedBytes, purpose: "unpacked packages" },
    // NOTE: estimated from the new versions' sizes; the saved old .deb files are similar.
    {
      path: join(inputs.request.dataDir, "packages"),
      bytes: downloadBytes,
      purpose: "saved .deb files",
    },
  ];
}

/** Rescans the root and returns the findings left on the patched packages, or null. */
async function rescan(
  inputs: ApplyInputs,
  services: PatchServices,
  packages: readonly HistoryPackage[],
  messages: string[],
): Promise<ScanResult["findings"] | null> {
  try {
    const request = {
      root: inputs.apt.environment.root,
      offline: true,
      refresh: false,
      nvd: false,
    };
    const result = await scanForPatch(request, services);
    const patched = new Set(packages.map((pkg) => `${pkg.package}:${pkg.arch}`));
    const left = result.findings.filter((finding) =>
      patched.has(`${finding.package}:${finding.arch}`),
    );
    // The scanner counts only configured packages, so it cannot vouch for the others.
    const unconfigured = packages
      .filter((pkg) => pkg.versionReached === null)
      .map((pkg) => `${pkg.package}:${pkg.arch}`);
    const scope = unconfigured.length === 0 ? "" : " that are configured";
    let message =
      left.length === 0
        ? `rescan: no findings left on the patched packages${scope}`
        : `rescan: ${left.length} finding(s) left on the patched packages${scope}: ${[...new Set(left.map((finding) => finding.vulnerabilityId))].join(", ")}`;
    if (unconfigured.length > 0) {
      message += `; not checked, because no configured version of them is installed: ${unconfigured.join(", ")}`;
    }
    messages.push(message);
    // Packages left unchecked make a warning. A complete rescan is a result of the run.
    if (unconfigured.length > 0) services.log.warn(message);
    else services.log.info(message);
    return left;
  } catch (error) {
    const message = `rescan after patching failed: ${error instanceof Error ? error.message : String(error)}`;
    messages.push(message);
    services.log.warn(message);
    return null;
  }
}

async function safeInventory(inputs: ApplyInputs): Promise<InstalledPackage[] | null> {
  try {
    return (await readDpkgDatabase(inputs.apt.environment.root)).packages;
  } catch (error) {
    if (isCortexError(error)) return null;
    throw error;
  }
}
