import { CortexError } from "../platform/errors.ts";
import { ExitCode } from "../platform/exit-codes.ts";
import { listDirectoryInRoot } from "../platform/root-fs.ts";
import type { AptEnvironment } from "./apt-environment.ts";

/**
 * Throws a `CortexError` with exit code 8 when dpkg's journal (`/var/lib/dpkg/updates/`)
 * under the root contains records, which means dpkg is running or was interrupted. apt rejects
 * every change in that state, so the message names the recovery command for this root.
 */
export async function checkDpkgNotInterrupted(environment: AptEnvironment): Promise<void> {
  const journal = await listDpkgJournal(environment);
  if (journal.length === 0) return;
  const command = ["dpkg", ...environment.dpkgArgs, "--configure", "-a"].join(" ");
  throw new CortexError(
    `dpkg was interrupted on ${environment.root}: /var/lib/dpkg/updates/ contains ${journal.length} unmerged record(s). Run "${command}" to finish the interrupted run, check the result, then patch again.`,
    ExitCode.dpkgInterrupted,
  );
}

/** True when dpkg's journal under the root has records: dpkg is running or was interrupted. */
export async function isDpkgJournalPending(environment: AptEnvironment): Promise<boolean> {
  return (await listDpkgJournal(environment)).length > 0;
}

async function listDpkgJournal(environment: AptEnvironment): Promise<string[]> {
  const entries = (await listDirectoryInRoot(environment.root, "/var/lib/dpkg/updates")) ?? [];
  return entries.filter((name) => /^[0-9]+$/.test(name));
}
