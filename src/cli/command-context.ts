import type { ExitCode } from "../platform/exit-codes.ts";
import type { Logger } from "../platform/logger.ts";
import type { CliDeps } from "./cli-deps.ts";

/** Context passed to every command action besides its parsed options. */
export interface CommandContext {
  deps: CliDeps;
  log: Logger;
  /** Raises the process exit code; the highest code set during a run wins. */
  raiseExitCode(code: ExitCode): void;
}
