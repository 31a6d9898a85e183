import { afterEach, describe, expect, test } from "bun:test";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSpawnRunner } from "../../src/platform/bun/spawn-runner.ts";
import type { CommandResult } from "../../src/platform/command-runner.ts";
import { CortexError } from "../../src/platform/errors.ts";
import { ExitCode } from "../../src/platform/exit-codes.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { installTimer, removeTimer, SYSTEM_UNIT_DIR } from "../../src/scheduler/install-timer.ts";
import { renderServiceUnit } from "../../src/scheduler/render-units.ts";
import { decideTimerTarget, isSystemdRunning } from "../../src/scheduler/timer-target.ts";
import { recordingRunner } from "./recording-runner.ts";
import { HAS_SYSTEMD_ANALYZE } from "./systemd-analyze.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cortex-timer-"));
  dirs.push(dir);
  return dir;
}

/** Creates an executable stand-in for cortex, so that systemd-analyze verify finds ExecStart's program. */
function fakeCortex(): string {
  const dir = join(tempDir(), "cortex bin");
  mkdirSync(dir);
  const path = join(dir, "cortex");
  writeFileSync(path, "#!/bin/sh\nexit 0\n");
  chmodSync(path, 0o755);
  return path;
}

const realRunner = createSpawnRunner(process.env);

/**
 * Runs systemd-analyze for real and records systemctl without running it: systemctl would
 * change this machine. `systemctlResult` returns the result of each systemctl call.
 */
function hybridRunner(systemctlResult: (argv: readonly string[]) => CommandResult = ok) {
  const calls: string[][] = [];
  return {
    calls,
    systemctlCalls: () => calls.filter((argv) => argv[0] === "systemctl"),
    async run(argv: readonly string[]) {
      calls.push([...argv]);
      if (argv[0] === "systemctl") return systemctlResult(argv);
      if (argv[0] === "systemd-analyze") return realRunner.run(argv);
      throw new Error(`unexpected command in test: ${argv.join(" ")}`);
    },
  };
}

function ok(): CommandResult {
  return { exitCode: 0, stdout: "", stderr: "" };
}

const schedule = { id: "nightly", frequency: "daily" as const, onCalendar: null };

describe.skipIf(!HAS_SYSTEMD_ANALYZE)("installTimer", () => {
  test("enable verifies, reloads, enables in order", async () => {
    const unitDir = join(tempDir(), "system");
    const runner = hybridRunner();
    const result = await installTimer(
      { schedule, unitDir, selfCommand: [fakeCortex()], dataDir: "/var/lib/cortex", enable: true },
      { runner, log: createMemoryLogger() },
    );

    expect(result).toEqual({
      servicePath: join(unitDir, "cortex-security-nightly.service"),
      timerPath: join(unitDir, "cortex-security-nightly.timer"),
      verified: true,
      enabled: true,
    });
    expect(runner.calls.map((argv) => argv.slice(0, 2).join(" "))).toEqual([
      "systemd-analyze verify",
      "systemctl daemon-reload",
      "systemctl enable",
    ]);
    expect(runner.systemctlCalls()).toEqual([
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "--now", "cortex-security-nightly.timer"],
    ]);
    expect(existsSync(result.servicePath)).toBe(true);
    expect(existsSync(result.timerPath)).toBe(true);
  });

  test("without enable runs no systemctl", async () => {
    const unitDir = join(tempDir(), "image", "etc", "systemd", "system");
    const runner = hybridRunner();
    const result = await installTimer(
      { schedule, unitDir, selfCommand: [fakeCortex()], dataDir: "/var/lib/cortex", enable: false },
      { runner, log: createMemoryLogger() },
    );
    expect(result.enabled).toBe(false);
    expect(result.verified).toBe(true);
    expect(runner.systemctlCalls()).toEqual([]);
  });

  test("failed verify removes new files, enables nothing", async () => {
    const unitDir = tempDir();
    const runner = hybridRunner();
    const attempt = installTimer(
      {
        schedule,
        unitDir,
        selfCommand: ["/nonexistent/cortex"],
        dataDir: "/var/lib/cortex",
        enable: true,
      },
      { runner, log: createMemoryLogger() },
    );
    await expect(attempt).rejects.toThrow(/systemd-analyze verify rejected/);
    await attempt.catch((error: CortexError) => {
      expect(error.exitCode).toBe(ExitCode.systemdFailed);
    });
    expect(runner.systemctlCalls()).toEqual([]);
    expect(existsSync(join(unitDir, "cortex-security-nightly.service"))).toBe(false);
    expect(existsSync(join(unitDir, "cortex-security-nightly.timer"))).toBe(false);
  });

  test("failed verify restores previous units", async () => {
    const unitDir = tempDir();
    const servicePath = join(unitDir, "cortex-security-nightly.service");
    const previous = renderServiceUnit(schedule, [fakeCortex()], "/var/lib/cortex");
    writeFileSync(servicePath, previous);
    const attempt = installTimer(
      { schedule, unitDir, selfCommand: ["/nonexistent/cortex"], dataDir: "/x", enable: false },
      { runner: hybridRunner(), log: createMemoryLogger() },
    );
    await expect(attempt).rejects.toThrow(CortexError);
    expect(readFileSync(servicePath, "utf8")).toBe(previous);
    expect(existsSync(join(unitDir, "cortex-security-nightly.timer"))).toBe(false);
  });

  test("failed enable reports systemctl's message", async () => {
    const runner = hybridRunner((argv) =>
      argv[1] === "enable"
        ? { exitCode: 1, stdout: "", stderr: "Failed to enable unit: Access denied" }
        : ok(),
    );
    const attempt = installTimer(
      { schedule, unitDir: tempDir(), selfCommand: [fakeCortex()], dataDir: "/d", enable: true },
      { runner, log: createMemoryLogger() },
    );
    await expect(attempt).rejects.toThrow(
      "systemctl enable --now cortex-security-nightly.timer failed with exit code 1: Failed to enable unit: Access denied",
    );
  });
});

describe("installTimer without systemd-analyze", () => {
  test("warns that the units were not verified", async () => {
    const runner = recordingRunner((argv) =>
      argv[0] === "systemd-analyze" ? { exitCode: 127, stdout: "", stderr: "not found" } : ok(),
    );
    const log = createMemoryLogger();
    const result = await installTimer(
      { schedule, unitDir: tempDir(), selfCommand: ["/bin/cortex"], dataDir: "/d", enable: false },
      { runner, log },
    );
    expect(result.verified).toBe(false);
    expect(log.lines.join("\n")).toContain("were not verified");
  });
});

describe("removeTimer", () => {
  function installedUnits(): string {
    const unitDir = tempDir();
    writeFileSync(join(unitDir, "cortex-security-nightly.service"), "[Service]\n");
    writeFileSync(join(unitDir, "cortex-security-nightly.timer"), "[Timer]\n");
    return unitDir;
  }

  test("disable stops, deletes, reloads in order", async () => {
    const unitDir = installedUnits();
    const runner = recordingRunner();
    const deleted = await removeTimer(
      { scheduleId: "nightly", unitDir, disable: true },
      { runner },
    );
    expect(runner.calls).toEqual([
      ["systemctl", "disable", "--now", "cortex-security-nightly.timer"],
      ["systemctl", "daemon-reload"],
    ]);
    expect(deleted).toEqual([
      join(unitDir, "cortex-security-nightly.timer"),
      join(unitDir, "cortex-security-nightly.service"),
    ]);
    expect(existsSync(join(unitDir, "cortex-security-nightly.timer"))).toBe(false);
  });

  test("without disable only deletes files", async () => {
    const unitDir = installedUnits();
    const runner = recordingRunner();
    await removeTimer({ scheduleId: "nightly", unitDir, disable: false }, { runner });
    expect(runner.calls).toEqual([]);
    expect(existsSync(join(unitDir, "cortex-security-nightly.service"))).toBe(false);
  });

  test("failed disable keeps the files", async () => {
    const unitDir = installedUnits();
    const runner = recordingRunner(() => ({ exitCode: 1, stdout: "", stderr: "bus error" }));
    const attempt = removeTimer({ scheduleId: "nightly", unitDir, disable: true }, { runner });
    await expect(attempt).rejects.toThrow(/systemctl disable --now .* failed/);
    expect(existsSync(join(unitDir, "cortex-security-nightly.timer"))).toBe(true);
  });
});

describe("decideTimerTarget", () => {
  test("--unit-dir never manages systemd", () => {
    expect(decideTimerTarget("/tmp/units", { uid: 1000, systemdRunning: true })).toEqual({
      unitDir: "/tmp/units",
      manageSystemd: false,
    });
  });

  test("root with systemd running manages it", () => {
    expect(decideTimerTarget(undefined, { uid: 0, systemdRunning: true })).toEqual({
      unitDir: SYSTEM_UNIT_DIR,
      manageSystemd: true,
    });
  });

  test("root without systemd only writes", () => {
    expect(decideTimerTarget(undefined, { uid: 0, systemdRunning: false })).toEqual({
      unitDir: SYSTEM_UNIT_DIR,
      manageSystemd: false,
    });
  });

  test("non-root without --unit-dir is denied", () => {
    try {
      decideTimerTarget(undefined, { uid: 1000, systemdRunning: true });
      throw new Error("expected an error");
    } catch (error) {
      expect((error as CortexError).exitCode).toBe(ExitCode.permissionDenied);
      expect((error as CortexError).message).toContain("requires root");
    }
  });

  test("systemd detection uses the runtime directory", () => {
    const seen: string[] = [];
    const exists = (path: string) => {
      seen.push(path);
      return true;
    };
    expect(isSystemdRunning(undefined, exists)).toBe(true);
    expect(seen).toEqual(["/run/systemd/system"]);
    expect(isSystemdRunning(join(tempDir(), "absent"))).toBe(false);
  });
});
