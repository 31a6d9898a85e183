import type { PatchPlan } from "../patching/patch-plan.ts";

export type HistoryKind = "patch" | "rollback";

/**
 * - `running`: recorded before the first change, not finished (yet);
 * - `succeeded`: every planned version is installed;
 * - `partial`: some are; `failed`: none are;
 * - `refused`: stopped by a check before anything changed.
 */
export type HistoryStatus = "running" | "succeeded" | "partial" | "failed" | "refused";

/** One binary package changed by a run. */
export interface HistoryPackage {
  package: string;
  arch: string;
  sourcePackage: string;
  /** Version installed before the run. */
  versionBefore: string;
  /** Version the run set out to install. */
  versionPlanned: string;
  /** Version found installed after the run (null before it ends, or when none is installed). */
  versionReached: string | null;
  /** True when apt had marked the package as automatically installed before the run. */
  automatic: boolean;
  /** The saved .deb of `versionBefore`, used by rollback; null when none was saved. */
  savedFile: string | null;
  /** Tool that produced `savedFile`: `apt-get download` (the archive's file) or `dpkg-repack`. */
  savedBy: "apt-get download" | "dpkg-repack" | null;
  /**
   * SHA-256 of `savedFile` in hex, taken when it was saved, so that rollback notices a file
   * damaged or replaced since. Absent in entries written before cortex recorded it.
   */
  savedSha256?: string | null;
}

/** One external command a run executed, with its result. */
export interface CommandRecord {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  startedAt: string;
  durationMs: number;
}

/** Reboot and restart needs of the host after a run on `/`. */
export interface RebootStatus {
  /** True when `/var/run/reboot-required` exists or a newer kernel than the running one is installed. */
  rebootRequired: boolean;
  reasons: string[];
  /** Output of `needrestart -b`, or null where needrestart is not installed. */
  needrestart: string | null;
}

export interface HistoryEntry {
  id: number;
  kind: HistoryKind;
  status: HistoryStatus;
  root: string;
  startedAt: Date;
  finishedAt: Date | null;
  strategy: string | null;
  rollbackOf: number | null;
  rolledBackBy: number | null;
  plan: PatchPlan | null;
  packages: HistoryPackage[];
  commands: CommandRecord[];
  messages: string[];
  reboot: RebootStatus | null;
}
