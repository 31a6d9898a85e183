import type { InstalledPackage } from "../inventory/installed-package.ts";
import type { HistoryEntry } from "./history-entry.ts";

/** One package moved back to the version it had before a patch run. */
export interface RollbackStep {
  package: string;
  arch: string;
  sourcePackage: string;
  /** Version installed now, which the patch run left. */
  currentVersion: string;
  /** Version to restore, from the saved .deb. */
  targetVersion: string;
  savedFile: string;
  automatic: boolean;
}

/** The steps of rolling back one history entry, or the reasons it cannot run. */
export interface RollbackPlan {
  entryId: number;
  /** The root recorded in the entry, which the rollback acts on regardless of `--root`. */
  root: string;
  steps: RollbackStep[];
  /** Reasons to reject the rollback, which runs only when this is empty. */
  problems: string[];
  /** Risks to confirm: downgrading the running kernel, libc or an Essential package. */
  warnings: string[];
}

/** C library packages whose downgrade can break every running program. */
const LIBC_PACKAGES = new Set(["libc6", "libc-bin", "libc6-i386", "libc6-amd64"]);

/**
 * Plans the rollback of a patch entry: each package the run changed goes back to
 * `versionBefore` from its saved .deb. `current` contains the versions installed now by
 * `name:arch`. `fileExists` reports whether a saved .deb is still on disk, and `sha256Of`
 * returns its SHA-256 (null when unknown). Problems (reasons to reject) are a missing saved
 * file, one whose SHA-256 differs from the recorded one, a package changed again since the
 * run, an entry that is not a finished patch run, and one already rolled back.
 */
export function planRollback(
  entry: HistoryEntry,
  current: ReadonlyMap<string, string>,
  installed: readonly InstalledPackage[],
  runningKernelRelease: string | null,
  fileExists: (path: string) => boolean,
  sha256Of: (path: string) => string | null = () => null,
): RollbackPlan {
  const plan: RollbackPlan = {
    entryId: entry.id,
    root: entry.root,
    steps: [],
    problems: [],
    warnings: [],
  };
  if (entry.kind !== "patch") {
    plan.problems.push(
      `entry #${entry.id} is a ${entry.kind}, not a patch run; to undo it, patch again`,
    );
    return plan;
  }
  if (entry.status === "running") {
    plan.problems.push(
      `entry #${entry.id} is still running: another cortex run holds the patch lock, or dpkg on ${entry.root} is busy or was interrupted. Wait for the run to end (or run "dpkg --configure -a" on that root), then roll back again`,
    );
    return plan;
  }
  if (entry.status === "refused") {
    plan.problems.push(`entry #${entry.id} is refused: it changed no package to roll back`);
    return plan;
  }
  if (entry.rolledBackBy !== null) {
    plan.problems.push(
      `entry #${entry.id} was already rolled back by entry #${entry.rolledBackBy}`,
    );
    return plan;
  }

  const essential = new Set(installed.filter((pkg) => pkg.essential).map((pkg) => pkg.name));
  for (const pkg of entry.packages) {
    const key = `${pkg.package}:${pkg.arch}`;
    const now = current.get(key) ?? null;
    if (now === pkg.versionBefore) continue;
    // A run whose dpkg failed (a postinst error, a killed apt) can leave the planned version
    // unpacked but not configured. versionReached is null then, and the saved .deb still fits.
    const leftByRun =
      now !== null &&
      (now === pkg.versionReached || (pkg.versionReached === null && now === pkg.versionPlanned));
    if (!leftByRun) {
      const left = pkg.versionReached ?? `${pkg.versionPlanned} unconfigured or no version`;
      plan.problems.push(
        `${key} changed again since entry #${entry.id}: it left ${left}, now ${now ?? "none"} is installed`,
      );
      continue;
    }
    if (pkg.savedFile === null || !fileExists(pkg.savedFile)) {
      plan.problems.push(
        `the saved .deb of ${key} ${pkg.versionBefore} is missing (${pkg.savedFile ?? "none was saved"}); it cannot be reinstalled`,
      );
      continue;
    }
    const digest = pkg.savedSha256 ? sha256Of(pkg.savedFile) : null;
    if (pkg.savedSha256 && digest !== null && digest !== pkg.savedSha256) {
      plan.problems.push(
        `the saved .deb of ${key} ${pkg.versionBefore} changed since it was saved (SHA-256 ${digest}, recorded ${pkg.savedSha256}): ${pkg.savedFile} cannot be trusted`,
      );
      continue;
    }
    plan.steps.push({
      package: pkg.package,
      arch: pkg.arch,
      sourcePackage: pkg.sourcePackage,
      currentVersion: now,
      targetVersion: pkg.versionBefore,
      savedFile: pkg.savedFile,
      automatic: pkg.automatic,
    });
    const warning = describeRisk(pkg.package, essential, runningKernelRelease);
    if (warning) plan.warnings.push(`${key}: ${warning}`);
  }
  if (plan.steps.length === 0 && plan.problems.length === 0) {
    plan.problems.push(`entry #${entry.id} left no changed package to roll back`);
  }
  return plan;
}

function describeRisk(
  name: string,
  essential: ReadonlySet<string>,
  runningKernelRelease: string | null,
): string | null {
  if (
    runningKernelRelease !== null &&
    name.startsWith("linux-image-") &&
    name.includes(runningKernelRelease)
  ) {
    return "downgrades the package of the running kernel; reboot afterwards";
  }
  if (LIBC_PACKAGES.has(name)) {
    return "downgrades the C library that every running program uses; restart services or reboot afterwards";
  }
  if (essential.has(name)) return "downgrades an Essential package that the system needs to work";
  return null;
}
