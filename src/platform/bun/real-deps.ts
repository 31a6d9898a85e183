import { writeSync } from "node:fs";
import { homedir, release } from "node:os";
import { resolve } from "node:path";
import type { CliDeps } from "../../cli/cli-deps.ts";
import { CortexError } from "../errors.ts";
import { ExitCode } from "../exit-codes.ts";
import type { OutputStream } from "../output-stream.ts";
import { createSpawnRunner } from "./spawn-runner.ts";

/** Exit status for a signal, as shells report it: 128 + signal number. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** Builds the dependencies of a real process: its streams, environment, clock and programs. */
export function createRealDeps(): CliDeps {
  const env = { ...process.env };
  const handlers: ((signal: "SIGTERM" | "SIGINT") => void)[] = [];
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (handlers.length === 0) process.exit(SIGNAL_EXIT_CODES[signal]);
      for (const handler of handlers) handler(signal);
    });
  }
  return {
    stdout: fileDescriptorStream(1, process.stdout.isTTY === true),
    stderr: fileDescriptorStream(2, process.stderr.isTTY === true),
    env,
    now: () => new Date(),
    fetch: globalThis.fetch,
    runner: createSpawnRunner(env),
    uid: process.getuid?.() ?? -1,
    homeDir: env.HOME ?? homedir(),
    runningKernelRelease: release(),
    selfCommand: selfCommand(),
    onShutdown: (handler) => {
      handlers.push(handler);
    },
  };
}

/**
 * Returns the command that starts this program again. A compiled binary runs its
 * embedded entry point from Bun's virtual `/$bunfs/` filesystem.
 */
function selfCommand(): string[] {
  if (Bun.main.startsWith("/$bunfs/")) return [process.execPath];
  return [process.execPath, resolve(Bun.main)];
}

/**
 * Creates an output stream that writes to `fd` synchronously, so that nothing is lost when
 * the process exits right after. After EPIPE (the reader closed the pipe, as in
 * `cortex … | head`) later output is dropped and the command runs to its end.
 *
 * Other write failures on stdout (ENOSPC, EIO) throw a `CortexError` with exit code 3. On
 * stderr they drop the output, because no error could be shown there.
 */
function fileDescriptorStream(fd: 1 | 2, isTTY: boolean): OutputStream {
  let outputDropped = false;
  return {
    isTTY,
    write(text: string) {
      const bytes = Buffer.from(text);
      let offset = 0;
      while (offset < bytes.length && !outputDropped) {
        try {
          offset += writeSync(fd, bytes, offset);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === "EPIPE") {
            outputDropped = true;
          } else if (code === "EAGAIN") {
            // A non-blocking pipe that is full reports EAGAIN; wait for the reader and go on.
            Bun.sleepSync(1);
          } else if (fd === 2) {
            outputDropped = true;
          } else {
            throw new CortexError(
              `failed to write to standard output: ${(error as Error).message}; check where the output is redirected`,
              ExitCode.unusableInput,
              { cause: error },
            );
          }
        }
      }
    },
  };
}
