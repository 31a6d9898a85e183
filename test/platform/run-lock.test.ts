import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CortexError } from "../../src/platform/errors.ts";
import { ExitCode } from "../../src/platform/exit-codes.ts";
import { acquireRunLock } from "../../src/platform/run-lock.ts";

const directories: string[] = [];
function dataDir(): string {
  const directory = mkdtempSync(join(tmpdir(), "cortex-lock-"));
  directories.push(directory);
  return directory;
}
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

describe("acquireRunLock", () => {
  test("writes the holder's pid", async () => {
    const dir = dataDir();
    const lock = await acquireRunLock(dir, "patch", { waitMs: 0 });
    expect(readFileSync(join(dir, "locks/patch.lock"), "utf8").trim()).toBe(String(process.pid));
    lock.release();
  });

  test("second holder fails with exit 6", async () => {
    const dir = dataDir();
    const first = await acquireRunLock(dir, "patch", { waitMs: 0 });
    const error = await acquireRunLock(dir, "patch", { waitMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CortexError);
    expect((error as CortexError).exitCode).toBe(ExitCode.lockBusy);
    expect((error as CortexError).message).toContain(`pid ${process.pid}`);
    first.release();
  });

  test("waits for the holder to release", async () => {
    const dir = dataDir();
    const first = await acquireRunLock(dir, "patch", { waitMs: 0 });
    setTimeout(() => first.release(), 150);
    const second = await acquireRunLock(dir, "patch", { waitMs: 5_000 });
    second.release();
  });

  test("reports the wait once", async () => {
    const dir = dataDir();
    const first = await acquireRunLock(dir, "patch", { waitMs: 0 });
    setTimeout(() => first.release(), 500);
    const holders: (string | null)[] = [];
    const second = await acquireRunLock(dir, "patch", {
      waitMs: 5_000,
      onWait: (holder) => holders.push(holder),
    });
    second.release();
    expect(holders).toEqual([String(process.pid)]);
  });

  test("other names do not conflict", async () => {
    const dir = dataDir();
    const patch = await acquireRunLock(dir, "patch", { waitMs: 0 });
    const scan = await acquireRunLock(dir, "scan", { waitMs: 0 });
    patch.release();
    scan.release();
  });

  test("unwritable data directory is exit 5", async () => {
    const error = await acquireRunLock("/dev/null/cortex", "patch", { waitMs: 0 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CortexError);
    expect((error as CortexError).exitCode).toBe(ExitCode.permissionDenied);
    expect((error as CortexError).message).toContain("/dev/null/cortex/locks/patch.lock");
  });

  test("lock of a killed process is free", async () => {
    const dir = dataDir();
    const script = `import { acquireRunLock } from ${JSON.stringify(join(import.meta.dir, "../../src/platform/run-lock.ts"))};
await acquireRunLock(${JSON.stringify(dir)}, "patch", { waitMs: 0 });
console.log("locked");
await Bun.sleep(60_000);`;
    const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe" });
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain("locked");
    const busy = await acquireRunLock(dir, "patch", { waitMs: 0 }).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(CortexError);

    child.kill("SIGKILL");
    await child.exited;
    // The pid file still names the dead process; flock(2) was dropped by the kernel.
    const lock = await acquireRunLock(dir, "patch", { waitMs: 0 });
    lock.release();
  });
});
