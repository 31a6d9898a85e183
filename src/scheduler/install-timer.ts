import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandRunner } from "../platform/command-runner.ts";
import { CortexError } from "../platform/errors.ts";
import { ExitCode } from "../platform/exit-codes.ts";
import type { Logger } from "../platform/logger.ts";
import { renderServiceUnit, renderTimerUnit } from "./render-units.ts";
import type { Schedule } from "./schedule.ts";
import { serviceUnitName, timerUnitName } from "./schedule-id.ts";
import { verifyUnitFiles } from "./verify-units.ts";

/** Directory of system units written by an administrator (systemd.unit(5), "System Unit Search Path"). */
export const SYSTEM_UNIT_DIR = "/etc/systemd/system";

export interface InstallTimerRequest {
  schedule: Pick<Schedule, "id" | "frequency" | "onCalendar">;
  unitDir: string;
  /** Command line that starts this cortex; its first element is an absolute path. */
  selfCommand: readonly string[];
  /** Absolute data directory passed to the service with `--data-dir`. */
  dataDir: string;
  /** Run `systemctl daemon-reload` and `systemctl enable --now` after the files verify. */
  enable: boolean;
}

export interface InstallTimerResult {
  servicePath: string;
  timerPath: string;
  /** False when systemd-analyze is missing, so the files were not checked. */
  verified: boolean;
  enabled: boolean;
}

/**
 * Writes the service and timer units of a schedule, verifies them with systemd-analyze and,
 * with `enable`, reloads systemd and enables and starts the timer. A unit that fails
 * verification is put back as it was before (or removed) and nothing is enabled.
 */
export async function installTimer(
  request: InstallTimerRequest,
  services: { runner: CommandRunner; log: Logger },
): Promise<InstallTimerResult> {
  const { schedule, unitDir } = request;
  const serviceText = renderServiceUnit(schedule, request.selfCommand, request.dataDir);
  const timerText = renderTimerUnit(schedule);
  const servicePath = join(unitDir, serviceUnitName(schedule.id));
  const timerPath = join(unitDir, timerUnitName(schedule.id));

  createUnitDir(unitDir);
  const previous = [readIfExists(servicePath), readIfExists(timerPath)] as const;
  writeUnitFile(servicePath, serviceText);
  writeUnitFile(timerPath, timerText);

  const verification = await verifyUnitFiles(services.runner, { timerPath, servicePath });
  if (verification.status === "invalid") {
    restoreUnitFile(servicePath, previous[0]);
    restoreUnitFile(timerPath, previous[1]);
    throw new CortexError(
      `systemd-analyze verify rejected the units of schedule ${schedule.id}, so nothing was installed:\n${verification.message}`,
      ExitCode.systemdFailed,
    );
  }
  if (verification.status === "verified" && verification.warnings !== "") {
    services.log.warn(
      `systemd-analyze verify accepted the units with warnings:\n${verification.warnings}`,
    );
  }
  if (verification.status === "unavailable") {
    services.log.warn(
      `systemd-analyze is not installed, so ${timerPath} and ${servicePath} were not verified`,
    );
  }

  if (request.enable) {
    await runSystemctl(services.runner, ["daemon-reload"]);
    await runSystemctl(services.runner, ["enable", "--now", timerUnitName(schedule.id)]);
  }
  return {
    servicePath,
    timerPath,
    verified: verification.status === "verified",
    enabled: request.enable,
  };
}

export interface RemoveTimerRequest {
  scheduleId: string;
  unitDir: string;
  /** Run `systemctl disable --now` before deleting and `daemon-reload` after. */
  disable: boolean;
}

/**
 * Disables and stops the timer of a schedule (with `disable`) and deletes both unit files.
 * A service run already in progress is left to finish. Returns the paths that were deleted.
 */
export async function removeTimer(
  request: RemoveTimerRequest,
  services: { runner: CommandRunner },
): Promise<string[]> {
  const servicePath = join(request.unitDir, serviceUnitName(request.scheduleId));
  const timerPath = join(request.unitDir, timerUnitName(request.scheduleId));
  if (request.disable) {
    await runSystemctl(services.runner, ["disable", "--now", timerUnitName(request.scheduleId)]);
  }
  const deleted: string[] = [];
  for (const path of [timerPath, servicePath]) {
    if (readIfExists(path) === null) continue;
    rmSync(path, { force: true });
    deleted.push(path);
  }
  if (request.disable) await runSystemctl(services.runner, ["daemon-reload"]);
  return deleted;
}

async function runSystemctl(runner: CommandRunner, args: readonly string[]): Promise<void> {
  const argv = ["systemctl", ...args];
  const result = await runner.run(argv, { env: { LC_ALL: "C" }, timeoutMs: 120_000 });
  if (result.exitCode !== 0) {
    const output = `${result.stderr}${result.stdout}`.trim() || "no output";
    throw new CortexError(
      `${argv.join(" ")} failed with exit code ${result.exitCode}: ${output}; check "journalctl -xe" and run the command again by hand`,
      ExitCode.systemdFailed,
    );
  }
}

function createUnitDir(unitDir: string): void {
  try {
    mkdirSync(unitDir, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw unitFileError(`failed to create unit directory ${unitDir}`, error);
  }
}

/** Writes beside the target and renames, so that systemd never reads a half-written unit. */
function writeUnitFile(path: string, text: string): void {
  const temporary = `${path}.cortex-tmp`;
  try {
    writeFileSync(temporary, text, { mode: 0o644 });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw unitFileError(`failed to write unit file ${path}`, error);
  }
}

function restoreUnitFile(path: string, previous: string | null): void {
  if (previous === null) rmSync(path, { force: true });
  else writeUnitFile(path, previous);
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw unitFileError(`failed to read unit file ${path}`, error);
  }
}

function unitFileError(action: string, error: unknown): CortexError {
  const code = (error as NodeJS.ErrnoException).code;
  const permission = code === "EACCES" || code === "EPERM" || code === "EROFS";
  return new CortexError(
    `${action}: ${(error as Error).message}${permission ? "; run as root or pass --unit-dir" : ""}`,
    permission ? ExitCode.permissionDenied : ExitCode.unusableInput,
    { cause: error },
  );
}
