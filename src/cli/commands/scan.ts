import type { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";

/** Adds the `scan` command to `cortex security`. */
export function registerScanCommand(security: Command, context: CommandContext): void {
  void context;
  security.command("scan").description("not implemented yet");
}
