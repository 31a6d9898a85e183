import type { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";

/** Adds the `db` command to `cortex security`. */
export function registerDbCommand(security: Command, context: CommandContext): void {
  void context;
  security.command("db").description("not implemented yet");
}
