import type { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";

/** Adds the `history` command to `cortex security`. */
export function registerHistoryCommands(security: Command, context: CommandContext): void {
  void context;
  security.command("history").description("not implemented yet");
}
