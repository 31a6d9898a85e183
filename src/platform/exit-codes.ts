/**
 * Exit codes used by every command. When several apply, the highest wins.
 * The README's table lists the same values; keep the two in step.
 */
export const ExitCode = {
  ok: 0,
  findingsAtOrAboveFailOn: 1,
  usage: 2,
  unusableInput: 3,
  incomplete: 4,
  permissionDenied: 5,
  lockBusy: 6,
  aptLockTimeout: 7,
  dpkgInterrupted: 8,
  insufficientSpace: 9,
  aptFailed: 10,
  patchPartial: 11,
  rollbackRefused: 12,
  systemdFailed: 13,
  internal: 70,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Combines exit codes so that the highest applicable one wins. */
export function highestExitCode(...codes: ExitCode[]): ExitCode {
  return Math.max(ExitCode.ok, ...codes) as ExitCode;
}
