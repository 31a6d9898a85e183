import { PATCH_STRATEGIES, type PatchStrategy } from "../patching/patch-plan.ts";
import type { SeverityCounts } from "../severity/severity.ts";

export const FREQUENCIES = ["daily", "weekly", "monthly"] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** Patch strategies a schedule can use: the patcher's (see `PatchStrategy`). */
export const SCHEDULE_STRATEGIES = PATCH_STRATEGIES;
export type ScheduleStrategy = PatchStrategy;

/** Strategy used by `--enable-patch` without `--strategy`: the smallest change to the host. */
export const DEFAULT_SCHEDULE_STRATEGY: ScheduleStrategy = "critical_only";

/** A stored security schedule. */
export interface Schedule {
  id: string;
  frequency: Frequency;
  /** The schedule's own OnCalendar expression, or null for the frequency's default. */
  onCalendar: string | null;
  patchEnabled: boolean;
  /** Null exactly when patching is off. */
  strategy: ScheduleStrategy | null;
  offline: boolean;
  /** Absolute data directory the service unit passes on with `--data-dir`. */
  dataDir: string;
  createdAt: Date;
  /** Directory the units were written to, or null when no timer is installed. */
  timerUnitDir: string | null;
  /** True when install-timer enabled and started the timer with systemctl. */
  timerEnabled: boolean;
}

/**
 * `running` until the run ends. A run whose process died stays `running`, with no end time,
 * until the next run of the schedule records it as `failed`.
 */
export type RunOutcome = "running" | "succeeded" | "failed";

/** One recorded run of a schedule. */
export interface ScheduleRun {
  id: number;
  scheduleId: string;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: RunOutcome;
  exitCode: number | null;
  dryRun: boolean;
  scanId: number | null;
  /** Findings per severity of the run's scan; null when the scan did not finish. */
  counts: SeverityCounts | null;
  /** Patch history entry created by the run. */
  historyId: number | null;
  patchOutcome: string | null;
  /** Reason the run failed, or null on success. */
  reason: string | null;
  warnings: string[];
}

export function isFrequency(value: string): value is Frequency {
  return (FREQUENCIES as readonly string[]).includes(value);
}

export function isScheduleStrategy(value: string): value is ScheduleStrategy {
  return (SCHEDULE_STRATEGIES as readonly string[]).includes(value);
}
