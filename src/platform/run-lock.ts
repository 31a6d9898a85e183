import { dlopen, FFIType } from "bun:ffi";
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { CortexError } from "./errors.ts";
import { ExitCode } from "./exit-codes.ts";

/** flock(2) operations from <sys/file.h>. */
const LOCK_EX = 2;
const LOCK_NB = 4;
/** How often a waiting caller retries the lock. */
const POLL_INTERVAL_MS = 200;

export interface RunLock {
  /** Releases the lock; later calls do nothing. */
  release(): void;
}

let flockFunction: ((fd: number, operation: number) => number) | null = null;

/**
 * Loads flock(2) from the C library. Debian and Ubuntu ship glibc, whose soname is
 * `libc.so.6`.
 */
function flock(fd: number, operation: number): number {
  if (flockFunction === null) {
    const library = dlopen("libc.so.6", {
      flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    });
    flockFunction = (descriptor, op) => library.symbols.flock(descriptor, op);
  }
  return flockFunction(fd, operation);
}

/**
 * Takes the exclusive lock `<dataDir>/locks/<name>.lock`, so that only one run of
 * `name` (for example `patch`) works at a time. The lock is flock(2) on the open file:
 * the kernel releases it when the holding process exits or is killed, so a lock left by a
 * killed process never blocks the next run. The file contains the holder's pid for the
 * error message.
 *
 * Waits up to `waitMs` for another holder, then throws a `CortexError` with exit code 6
 * (lockBusy) naming the holder's pid and the lock file.
 */
export async function acquireRunLock(
  dataDir: string,
  name: string,
  options: {
    waitMs: number;
    /** Called once, with the holder's pid when known, when the lock is busy and the wait starts. */
    onWait?: (holderPid: string | null) => void;
  },
): Promise<RunLock> {
  const directory = join(dataDir, "locks");
  const path = join(directory, `${name}.lock`);
  let fd: number;
  try {
    mkdirSync(directory, { recursive: true, mode: 0o750 });
    fd = openSync(path, "a+", 0o640);
  } catch (error) {
    throw new CortexError(
      `failed to open the lock file ${path}: ${(error as Error).message}; run as a user who can write ${dataDir}, or choose another --data-dir`,
      ExitCode.permissionDenied,
      { cause: error },
    );
  }
  const deadline = Date.now() + options.waitMs;

  let waiting = false;
  while (flock(fd, LOCK_EX | LOCK_NB) !== 0) {
    if (Date.now() >= deadline) {
      const holder = readHolder(path);
      closeSync(fd);
      throw new CortexError(
        `another ${name} run${holder ? ` (pid ${holder})` : ""} is still running after ${Math.round(options.waitMs / 1000)} s and holds the lock ${path}; wait for it to finish, then run again`,
        ExitCode.lockBusy,
      );
    }
    if (!waiting) {
      waiting = true;
      options.onWait?.(readHolder(path));
    }
    await Bun.sleep(Math.min(POLL_INTERVAL_MS, Math.max(1, deadline - Date.now())));
  }

  ftruncateSync(fd, 0);
  writeSync(fd, `${process.pid}\n`);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      // Closing the descriptor drops the flock(2) lock; the file stays for the next run.
      closeSync(fd);
    },
  };
}

function readHolder(path: string): string | null {
  try {
    const text = readFileSync(path, "utf8").trim();
    return /^\d+$/.test(text) ? text : null;
  } catch {
    return null;
  }
}
