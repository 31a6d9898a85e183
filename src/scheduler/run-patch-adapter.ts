// ADAPTER: stands in for `runPatch` from src/patching/ until the patcher exports it.
// Replace the body of `runPatchAdapter` with a call to the real function and delete this note.
import type { CortexConfig } from "../config/cortex-config.ts";
import type { CommandRunner } from "../platform/command-runner.ts";
import { CortexError } from "../platform/errors.ts";
import { ExitCode } from "../platform/exit-codes.ts";
import type { Logger } from "../platform/logger.ts";
import type { CortexDatabase } from "../store/open-database.ts";
import type { ScheduleStrategy } from "./schedule.ts";

/** The patch request a schedule makes, in the shape of the patcher's `runPatch`. */
export interface SchedulePatchRequest {
  root: string;
  strategy: ScheduleStrategy;
  /** False for `schedule run --dry-run`: plan only. */
  apply: boolean;
  offline: boolean;
  /** Skip `apt-get update`. */
  noUpdate: boolean;
  packageName?: string;
  /** Scan before planning; a schedule has just scanned, so it passes false. */
  scanFirst: boolean;
  dataDir: string;
}

export interface SchedulePatchServices {
  db: CortexDatabase;
  config: CortexConfig;
  fetch: typeof fetch;
  now: () => Date;
  log: Logger;
  runner: CommandRunner;
  uid: number;
  runningKernelRelease: string | null;
}

/** The part of the patcher's result a schedule run records. */
export interface SchedulePatchResult {
  plan: unknown;
  historyId: number | null;
  outcome: unknown;
  exitCode: number;
}

export type RunPatchFunction = (
  request: SchedulePatchRequest,
  services: SchedulePatchServices,
) => Promise<SchedulePatchResult>;

/** Fails until the patcher's `runPatch` is wired in. */
export const runPatchAdapter: RunPatchFunction = async () => {
  throw new CortexError(
    "patching is not available in this build of cortex; turn patching off for this schedule",
    ExitCode.internal,
  );
};
