import type { CommandResult, CommandRunner, RunOptions } from "../command-runner.ts";

/** Exit code reported for a process killed by its timeout, as coreutils' timeout(1) does. */
const TIMED_OUT_EXIT_CODE = 124;

/** Runs programs with Bun.spawn; stdin is /dev/null unless text is given. */
export function createSpawnRunner(baseEnv: Record<string, string | undefined>): CommandRunner {
  return {
    async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
      const env = { ...baseEnv, ...options.env };
      const stdin =
        options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin);
      let child: ReturnType<typeof Bun.spawn>;
      try {
        child = Bun.spawn([...argv], {
          env,
          cwd: options.cwd,
          stdin,
          stdout: "pipe",
          stderr: "pipe",
        });
      } catch (error) {
        // A missing program is an ordinary failed command for callers, like a shell's 127.
        return {
          exitCode: 127,
          stdout: "",
          stderr: `failed to start ${argv[0]}: ${String(error)}`,
        };
      }
      let timedOut = false;
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              child.kill("SIGKILL");
            }, options.timeoutMs);
      const [stdout, stderr, exitCode] = await Promise.all([
        new Response(child.stdout as ReadableStream).text(),
        new Response(child.stderr as ReadableStream).text(),
        child.exited,
      ]);
      if (timer) clearTimeout(timer);
      return { exitCode: timedOut ? TIMED_OUT_EXIT_CODE : exitCode, stdout, stderr };
    },
  };
}
