import type { CommandRunner } from "../platform/command-runner.ts";
import type { OutputStream } from "../platform/output-stream.ts";
import type { PathInputs } from "../platform/paths.ts";

/**
 * Everything a command touches outside its own arguments. `main.ts` builds the
 * real one; tests pass memory streams, a fixed clock, a mock fetch and a
 * recording command runner.
 */
export interface CliDeps {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
  now: () => Date;
  fetch: typeof fetch;
  runner: CommandRunner;
  /** Effective user id: 0 means root. */
  uid: number;
  homeDir: string;
  /** Release of the running kernel (`uname -r`), or null when unknown. */
  runningKernelRelease: string | null;
  /** The command line that starts this program again: the compiled binary, or bun with the entry point. */
  selfCommand: string[];
  /**
   * Registers a handler for SIGTERM and SIGINT. Long-running commands (serve)
   * use it to stop cleanly; without a handler the signal ends the process.
   */
  onShutdown(handler: (signal: "SIGTERM" | "SIGINT") => void): void;
}

/** Returns the fields of `deps` that locate the data and configuration directories. */
export function pathInputsOf(deps: CliDeps): PathInputs {
  return { env: deps.env, uid: deps.uid, homeDir: deps.homeDir };
}
