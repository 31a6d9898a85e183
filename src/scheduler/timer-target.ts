import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { CortexError } from "../platform/errors.ts";
import { ExitCode } from "../platform/exit-codes.ts";
import { SYSTEM_UNIT_DIR } from "./install-timer.ts";

/** Directory that exists only while systemd runs as the init system (sd_booted(3)). */
export const SYSTEMD_RUNTIME_DIR = "/run/systemd/system";

/** True when systemd is the running init system, judged by `runtimeDir` as sd_booted(3) does. */
export function isSystemdRunning(
  runtimeDir = SYSTEMD_RUNTIME_DIR,
  exists: (path: string) => boolean = existsSync,
): boolean {
  return exists(runtimeDir);
}

/** Unit directory that install-timer or remove-timer works in, and whether it calls systemctl. */
export interface TimerTarget {
  unitDir: string;
  /** True only for /etc/systemd/system on a host where systemd runs. */
  manageSystemd: boolean;
}

/**
 * Decides where units go: `--unit-dir` (never managed with systemctl, for tests and images)
 * or /etc/systemd/system, which needs root and is managed only where systemd runs.
 */
export function decideTimerTarget(
  unitDirOption: string | undefined,
  host: { uid: number; systemdRunning: boolean },
): TimerTarget {
  if (unitDirOption !== undefined) return { unitDir: resolve(unitDirOption), manageSystemd: false };
  if (host.uid !== 0) {
    throw new CortexError(
      `writing units to ${SYSTEM_UNIT_DIR} requires root; run the command with sudo (keeping --data-dir), or pass --unit-dir DIR to write them elsewhere`,
      ExitCode.permissionDenied,
    );
  }
  return { unitDir: SYSTEM_UNIT_DIR, manageSystemd: host.systemdRunning };
}
