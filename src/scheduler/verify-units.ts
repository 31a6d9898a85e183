import { existsSync } from "node:fs";
import type { CommandRunner } from "../platform/command-runner.ts";

/** Exit code of a command that could not be started (the spawn runner's, like a shell's). */
const COMMAND_NOT_FOUND = 127;

/**
 * Result of `verifyUnitFiles`: `unavailable` when systemd-analyze is not installed. A verified
 * result carries the warnings systemd-analyze printed while still exiting 0 (empty when none).
 */
export type UnitVerification =
  | { status: "verified"; warnings: string }
  | { status: "invalid"; message: string }
  | { status: "unavailable" };

/**
 * Checks a timer and its service with `systemd-analyze verify`, which loads the files without a
 * running systemd. verify accepts a timer whose service file is missing, so this function checks
 * that first. `--man=no` skips looking up man pages that a minimal host does not have.
 */
export async function verifyUnitFiles(
  runner: CommandRunner,
  paths: { timerPath: string; servicePath: string },
): Promise<UnitVerification> {
  for (const path of [paths.servicePath, paths.timerPath]) {
    if (!existsSync(path)) return { status: "invalid", message: `unit file ${path} is missing` };
  }
  const result = await runner.run(
    ["systemd-analyze", "verify", "--man=no", paths.timerPath, paths.servicePath],
    { env: { LC_ALL: "C" }, timeoutMs: 30_000 },
  );
  if (result.exitCode === COMMAND_NOT_FOUND) return { status: "unavailable" };
  if (result.exitCode !== 0) {
    const output = `${result.stderr}${result.stdout}`.trim();
    return { status: "invalid", message: output || `exit code ${result.exitCode}` };
  }
  return { status: "verified", warnings: `${result.stderr}${result.stdout}`.trim() };
}
