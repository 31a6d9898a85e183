import type { CliDeps } from "../../src/cli/cli-deps.ts";
import { run } from "../../src/cli/run.ts";
import type {
  CommandResult,
  CommandRunner,
  RunOptions,
} from "../../src/platform/command-runner.ts";
import { createMemoryStream } from "../../src/platform/output-stream.ts";

export interface RecordedCommand {
  argv: string[];
  options: RunOptions | undefined;
}

/** A command runner that records every call and returns what a handler builds (exit 0 by default). */
export function createRecordingRunner(
  respond: (
    argv: readonly string[],
    options?: RunOptions,
  ) => CommandResult | Promise<CommandResult> = () => ({
    exitCode: 0,
    stdout: "",
    stderr: "",
  }),
): CommandRunner & { calls: RecordedCommand[] } {
  const calls: RecordedCommand[] = [];
  return {
    calls,
    async run(argv, options) {
      calls.push({ argv: [...argv], options });
      return respond(argv, options);
    },
  };
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process with memory streams. `env` replaces the process
 * environment entirely, so the host's CORTEX_* settings never leak into a test.
 */
export async function runCli(argv: string[], overrides: Partial<CliDeps> = {}): Promise<CliResult> {
  const stdout = createMemoryStream();
  const stderr = createMemoryStream();
  const deps: CliDeps = {
    stdout,
    stderr,
    env: {},
    now: () => new Date(),
    fetch: (() => {
      throw new Error(
        "tests must not reach the network: pass a fetch bound to a local mock server",
      );
    }) as unknown as typeof fetch,
    runner: createRecordingRunner(),
    uid: 1000,
    homeDir: "/nonexistent-home",
    runningKernelRelease: null,
    selfCommand: ["/usr/local/bin/cortex"],
    onShutdown: () => {},
    ...overrides,
  };
  const exitCode = await run(argv, deps);
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}
