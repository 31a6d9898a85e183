import { CortexError } from "../platform/errors.ts";
import { ExitCode } from "../platform/exit-codes.ts";

/**
 * Version text that a version scheme cannot parse. Callers that know where the
 * version came from (status file stanza, advisory id) wrap it with that context.
 */
export class InvalidVersionError extends CortexError {
  /** The rejected text, exactly as given. */
  readonly version: string;
  /** Reason for the rejection, without the value (`the revision after the last '-' is empty`). */
  readonly reason: string;

  constructor(scheme: string, version: string, reason: string) {
    super(
      `Invalid ${scheme} version ${JSON.stringify(version)}: ${reason}.`,
      ExitCode.unusableInput,
    );
    this.name = "InvalidVersionError";
    this.version = version;
    this.reason = reason;
  }
}
