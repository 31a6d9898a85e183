import type { Command } from "@commander-js/extra-typings";
import type { CommandContext } from "../command-context.ts";

/** Adds the `patch` command to `cortex security`. */
export function registerPatchCommand(security: Command, context: CommandContext): void {
  void context;
  security.command("patch").description("not implemented yet");
}
