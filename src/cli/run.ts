import { Command, CommanderError } from "@commander-js/extra-typings";
import { BUSY_TIMEOUT_MS, isDatabaseBusyError } from "../platform/bun/sqlite-database.ts";
import { isCortexError } from "../platform/errors.ts";
import { ExitCode, highestExitCode } from "../platform/exit-codes.ts";
import { createLogger } from "../platform/logger.ts";
import { BUILD_COMMIT, VERSION } from "../version.ts";
import type { CliDeps } from "./cli-deps.ts";
import type { CommandContext } from "./command-context.ts";
import { registerDbCommand } from "./commands/db.ts";
import { registerHistoryCommands } from "./commands/history.ts";
import { registerPatchCommand } from "./commands/patch.ts";
import { registerScanCommand } from "./commands/scan.ts";
import { registerScheduleCommand } from "./commands/schedule.ts";
import { registerServeCommand } from "./commands/serve.ts";

/** Commander codes that mean "help or version was printed", which is a success. */
const INFORMATIONAL_CODES = new Set([
  "commander.helpDisplayed",
  "commander.version",
  "commander.help",
]);

/**
 * Runs one command line and returns its exit code. This is the only place that
 * turns errors into exit codes; it never exits the process itself, so tests can
 * call it in-process.
 */
export async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  let exitCode: ExitCode = ExitCode.ok;
  const log = createLogger(deps.stderr, { debug: deps.env.CORTEX_DEBUG === "1" });
  const context: CommandContext = {
    deps,
    log,
    raiseExitCode: (code) => {
      exitCode = highestExitCode(exitCode, code);
    },
  };

  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message through configureOutput.
      return INFORMATIONAL_CODES.has(error.code) ? ExitCode.ok : ExitCode.usage;
    }
    if (isCortexError(error)) {
      log.error(error.message);
      return highestExitCode(exitCode, error.exitCode);
    }
    if (isDatabaseBusyError(error)) {
      log.error(
        `the cortex database is locked by another cortex process (a db import, scan, patch or schedule run writing to it), and it did not come free within ${BUSY_TIMEOUT_MS / 1000} s: run the command again once that process has finished`,
      );
      return highestExitCode(exitCode, ExitCode.lockBusy);
    }
    log.error(
      `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return ExitCode.internal;
  }
  return exitCode;
}

function buildProgram(context: CommandContext): Command {
  const { deps } = context;
  const program = new Command("cortex")
    .description(
      "Find, patch and track known vulnerabilities of the packages installed on this host.",
    )
    .version(
      `cortex ${VERSION} (commit ${BUILD_COMMIT})`,
      "-V, --version",
      "print the version and exit",
    )
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
    });

  const security = program
    .command("security")
    .description("scan for vulnerabilities, patch them, and manage history, schedules and data")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
    });

  const commands = security as unknown as Command;
  registerScanCommand(commands, context);
  registerPatchCommand(commands, context);
  registerHistoryCommands(commands, context);
  registerScheduleCommand(commands, context);
  registerDbCommand(commands, context);
  registerServeCommand(commands, context);

  // Subcommands inherit exitOverride and output settings only when added after these calls,
  // so apply them to every command in the tree.
  applyToTree(program, (command) => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
    });
  });
  return program;
}

function applyToTree(command: Command, apply: (command: Command) => void): void {
  apply(command);
  for (const child of command.commands) applyToTree(child as unknown as Command, apply);
}
