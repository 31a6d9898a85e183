/**
 * - `lock-timeout`: another process held the dpkg or apt lists lock past the timeout;
 * - `dpkg-interrupted`: dpkg needs `dpkg --configure -a` first;
 * - `other`: any other failure.
 */
export type AptFailureKind = "lock-timeout" | "dpkg-interrupted" | "other";

/**
 * Sorts a failed apt-get run by its `E:` lines (LC_ALL=C). Samples:
 * `E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4711 (apt-get)`,
 * `E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem.`
 */
export function classifyAptFailure(output: string): AptFailureKind {
  if (
    /^E: (Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock)/m.test(output)
  ) {
    return "lock-timeout";
  }
  if (/^E: dpkg was interrupted/m.test(output)) return "dpkg-interrupted";
  return "other";
}

/** Returns the `E:` and `W:` lines of apt's output, or its last lines when it printed none. */
export function summarizeAptOutput(output: string): string {
  const lines = output.split("\n").filter((line) => /^(E|W): /.test(line));
  if (lines.length > 0) return lines.join("\n");
  return output.trim().split("\n").slice(-5).join("\n");
}
