import type { HistoryEntry } from "./history-entry.ts";

/**
 * Converts one history entry to its `--json` shape. `versionAfter` is the version found installed
 * when the run ended (null while running, or when none was configured). With `detail`, the
 * plan and the commands with their output are included (`history show`).
 */
export function historyEntryToJson(entry: HistoryEntry, options: { detail: boolean }) {
  return {
    id: entry.id,
    kind: entry.kind,
    status: entry.status,
    root: entry.root,
    startedAt: entry.startedAt.toISOString(),
    finishedAt: entry.finishedAt?.toISOString() ?? null,
    strategy: entry.strategy,
    rollbackOf: entry.rollbackOf,
    rolledBackBy: entry.rolledBackBy,
    packages: entry.packages.map((pkg) => ({
      package: pkg.package,
      arch: pkg.arch,
      sourcePackage: pkg.sourcePackage,
      versionBefore: pkg.versionBefore,
      versionPlanned: pkg.versionPlanned,
      versionAfter: pkg.versionReached,
      automatic: pkg.automatic,
      savedFile: pkg.savedFile,
      savedBy: pkg.savedBy,
      savedSha256: pkg.savedSha256 ?? null,
    })),
    messages: entry.messages,
    reboot: entry.reboot,
    ...(options.detail ? { plan: entry.plan, commands: entry.commands } : {}),
  };
}
