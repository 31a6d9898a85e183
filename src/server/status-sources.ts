import type { ScanResult } from "../scan/scan-result.ts";

/** A value or a promise of it, so that sources may read synchronously (SQLite) or not. */
export type MaybePromise<T> = T | Promise<T>;

/** Freshness of the advisory data of one ecosystem. */
export interface EcosystemFreshness {
  /** OSV ecosystem name, such as `Debian:12`. */
  ecosystem: string;
  /** Latest refresh by an import or an online lookup, or null when there was none. */
  refreshedAt: Date | null;
  /** Stored records with an affected entry in the ecosystem. */
  recordCount: number;
}

/** One patch or rollback run as the history records it. */
export interface HistoryEntry {
  id: number;
  /** `patch` or `rollback`. */
  kind: string;
  startedAt: Date;
  /** Null while the run is going on, or when its process died before finishing. */
  finishedAt: Date | null;
  /** `running`, `succeeded`, `partial`, `failed` or `refused`. */
  status: string;
  /** Further fields of the stored entry (packages, plan, messages), passed through as they are. */
  [field: string]: unknown;
}

/** One schedule with its last and next run. */
export interface ScheduleState {
  id: string;
  /** `daily`, `weekly` or `monthly`. */
  frequency: string;
  /** The systemd OnCalendar expression the timer uses. */
  onCalendar: string;
  patchEnabled: boolean;
  /** Patch strategy, or null when patching is off. */
  strategy: string | null;
  /** True when the systemd timer and service units are written. */
  timerInstalled: boolean;
  /** True when the timer was enabled and started with systemctl. */
  timerEnabled: boolean;
  lastRun: {
    startedAt: Date;
    finishedAt: Date | null;
    /** `running`, `succeeded` or `failed`. */
    outcome: string;
  } | null;
  /** Next time the timer fires, or null when it is not installed and enabled or the time is unknown. */
  nextRunAt: Date | null;
}

/** Whether the host needs a reboot, and why. */
export interface RebootStatus {
  pending: boolean;
  /** One line per cause, such as `/var/run/reboot-required exists (packages: libc6)`. */
  reasons: string[];
}

/**
 * Everything the status server reads. Each call reads the current state, so
 * that a scan or patch run recorded while the server runs shows up at once.
 * None of them may write.
 */
export interface StatusSources {
  /** The newest recorded scan with its findings, or null when none was recorded. */
  latestScan(): MaybePromise<ScanResult | null>;
  /** Freshness of every ecosystem that has stored advisory data. */
  dataFreshness(): MaybePromise<EcosystemFreshness[]>;
  /** Patch and rollback runs, newest first, at most `limit` of them. */
  history(limit: number): MaybePromise<HistoryEntry[]>;
  /** The newest patch run (not rollback), or null when there was none. */
  lastPatchRun(): MaybePromise<HistoryEntry | null>;
  /** Number of recorded patch runs per status, over the whole history. */
  patchRunCounts(): MaybePromise<Record<string, number>>;
  schedules(): MaybePromise<ScheduleState[]>;
  rebootStatus(): MaybePromise<RebootStatus>;
}
