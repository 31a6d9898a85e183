import { ExitCode } from "./exit-codes.ts";

/**
 * The one error type that commands throw on purpose. `run` in src/cli/run.ts returns its
 * `exitCode`, which main.ts exits with; any other error is an internal error (exit 70).
 */
export class CortexError extends Error {
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CortexError";
    this.exitCode = exitCode;
  }
}

/** Invalid command-line usage: unknown option, missing argument, bad value. */
export function usageError(message: string, cause?: unknown): CortexError {
  return new CortexError(message, ExitCode.usage, { cause });
}

/** Input or data the command cannot use: corrupt status file, unknown release, empty database. */
export function inputError(message: string, cause?: unknown): CortexError {
  return new CortexError(message, ExitCode.unusableInput, { cause });
}

export function isCortexError(error: unknown): error is CortexError {
  return error instanceof CortexError;
}
