/** Result of one finished process. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Extra environment variables, merged over the runner's base environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Text written to the process's standard input; without it stdin is /dev/null. */
  stdin?: string;
  /** Kill the process after this many milliseconds and report exit code 124. */
  timeoutMs?: number;
}

/**
 * Runs external programs (apt-get, dpkg, systemctl, ...). Code under test
 * receives a recording or scripted runner instead of the real one.
 */
export interface CommandRunner {
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
}
