import type { CommandResult, CommandRunner } from "../../src/platform/command-runner.ts";

/**
 * A command runner that records each argv and returns the result of `respond` (exit 0 by default).
 * The CLI harness has one too; this one does not load the whole CLI, so scheduler unit tests
 * stay independent of the other commands.
 */
export function recordingRunner(
  respond: (argv: readonly string[]) => CommandResult = () => ({
    exitCode: 0,
    stdout: "",
    stderr: "",
  }),
): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(argv) {
      calls.push([...argv]);
      return respond(argv);
    },
  };
}
