import type { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";

/** Adds the `serve` command to `cortex security`. */
export function registerServeCommand(security: Command, context: CommandContext): void {
  void context;
  security.command("serve").description("not implemented yet");
}
