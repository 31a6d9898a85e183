import type { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";

/** Adds the `schedule` command to `cortex security`. */
export function registerScheduleCommand(security: Command, context: CommandContext): void {
  void context;
  security.command("schedule").description("not implemented yet");
}
