import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CortexConfig } from "../../src/config/cortex-config.ts";
import { DEFAULT_PATCHER_CONFIG } from "../../src/patching/patcher-config.ts";
import type { PatchRequest, PatchRunResult, PatchStatus } from "../../src/patching/run-patch.ts";
import { CortexError } from "../../src/platform/errors.ts";
import { ExitCode } from "../../src/platform/exit-codes.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import type { ScanRequest, ScanServices } from "../../src/scan/run-scan.ts";
import type { ScanResult } from "../../src/scan/scan-result.ts";
import {
  DEFAULT_LOCK_WAIT_MS,
  runSchedule,
  type ScheduleRunServices,
} from "../../src/scheduler/run-schedule.ts";
import type { Schedule } from "../../src/scheduler/schedule.ts";
import {
  getScheduleRun,
  insertSchedule,
  listScheduleRuns,
  recordRunStart,
} from "../../src/scheduler/schedule-store.ts";
import { type CortexDatabase, openMemoryDatabase } from "../../src/store/open-database.ts";
import { saveScan } from "../../src/store/scan-store.ts";
import { recordingRunner } from "./recording-runner.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cortex-run-"));
  dirs.push(dir);
  return dir;
}

const CONFIG: CortexConfig = {
  osvUrl: "http://127.0.0.1:9/osv",
  nvdUrl: "http://127.0.0.1:9/nvd",
  nvdApiKey: null,
  nvdEnabled: true,
  nvdTimeBudgetSeconds: 5,
  cacheTtlHours: 24,
  maxDataAgeDays: 7,
  requestTimeoutSeconds: 30,
};

const START = Date.parse("2026-12-04T03:30:00Z");

/** Returns a clock that moves one second forward on every reading, so each record has its own time. */
function steppingClock(): () => Date {
  let time = START;
  return () => {
    time += 1000;
    return new Date(time);
  };
}

function scheduleOf(overrides: Partial<Schedule> = {}): Schedule {
  return {
    id: "nightly",
    frequency: "daily",
    onCalendar: null,
    patchEnabled: false,
    strategy: null,
    offline: false,
    dataDir: "/var/lib/cortex",
    createdAt: new Date(START),
    timerUnitDir: null,
    timerEnabled: false,
    ...overrides,
  };
}

function scanResult(now: Date, overrides: Partial<ScanResult> = {}): ScanResult {
  return {
    id: null,
    startedAt: now,
    finishedAt: now,
    root: "/",
    ecosystem: "Debian:12",
    mode: "online",
    complete: true,
    packageCount: 3,
    packageFilter: null,
    dataRefreshedAt: now,
    counts: { critical: 1, high: 2, medium: 0, low: 0, unknown: 4 },
    findings: [],
    warnings: [],
    unchecked: [],
    ...overrides,
  };
}

/** Builds a patcher result with an empty plan, since the schedule records only status, history id and code. */
function patchResult(
  status: PatchStatus,
  historyId: number | null,
  exitCode: PatchRunResult["exitCode"],
  messages: string[] = [],
): PatchRunResult {
  return {
    plan: {
      policy: {
        strategy: "critical_only",
        minSeverity: "low",
        unknownSeverity: "high",
        whitelist: [],
        blacklist: [],
        packageName: null,
      },
      upgrades: [],
      fixes: [],
      remaining: [],
      skipped: [],
    },
    historyId,
    outcome: {
      status,
      packages: [],
      findingsAfter: null,
      reboot: null,
      messages,
      scanId: null,
      scanFinishedAt: new Date(START),
      dataRefreshedAt: null,
    },
    exitCode,
  };
}

interface Harness {
  db: CortexDatabase;
  dataDir: string;
  services: ScheduleRunServices;
  scanRequests: { request: ScanRequest; services: ScanServices }[];
  patchRequests: PatchRequest[];
}

function harness(
  options: {
    scan?: Partial<ScanResult> | ((now: Date) => Promise<Partial<ScanResult>>) | Error;
    patch?: PatchRunResult;
    schedule?: Partial<Schedule>;
  } = {},
): Harness {
  const db = openMemoryDatabase();
  insertSchedule(db, scheduleOf(options.schedule));
  const scanRequests: Harness["scanRequests"] = [];
  const patchRequests: PatchRequest[] = [];
  const now = steppingClock();
  const services: ScheduleRunServices = {
    db,
    config: CONFIG,
    patcherConfig: DEFAULT_PATCHER_CONFIG,
    fetch: (async () => {
      throw new Error("tests must not reach the network");
    }) as unknown as typeof fetch,
    now,
    log: createMemoryLogger(),
    runner: recordingRunner(),
    uid: 0,
    runningKernelRelease: null,
    scan: async (request, scanServices) => {
      scanRequests.push({ request, services: scanServices });
      if (options.scan instanceof Error) throw options.scan;
      const startedAt = now();
      const overrides =
        typeof options.scan === "function" ? await options.scan(startedAt) : (options.scan ?? {});
      const result = scanResult(startedAt, overrides);
      return { ...result, id: saveScan(db, result) };
    },
    patch: async (request) => {
      patchRequests.push(request);
      return options.patch ?? patchResult("succeeded", 7, ExitCode.ok);
    },
  };
  return { db, dataDir: tempDir(), services, scanRequests, patchRequests };
}

describe("runSchedule", () => {
  test("scan-only run records its outcome", async () => {
    const h = harness();
    const result = await runSchedule(
      { schedule: scheduleOf(), dataDir: h.dataDir, root: "/", dryRun: false },
      h.services,
    );

    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.run.outcome).toBe("succeeded");
    expect(result.run.startedAt).toEqual(new Date(START + 2000));
    // The scan read the clock in between, so the end is later than the scan's start.
    expect(result.run.finishedAt?.getTime()).toBeGreaterThan(START + 3000);
    expect(result.run.counts).toEqual({ critical: 1, high: 2, medium: 0, low: 0, unknown: 4 });
    expect(result.run.scanId).not.toBeNull();
    expect(result.run.historyId).toBeNull();
    expect(result.run.reason).toBeNull();
    expect(h.patchRequests).toEqual([]);
    expect(listScheduleRuns(h.db, "nightly")).toEqual([result.run]);
  });

  test("findings alone do not fail", async () => {
    const h = harness({
      scan: { counts: { critical: 9, high: 9, medium: 9, low: 9, unknown: 9 } },
    });
    const result = await runSchedule(
      { schedule: scheduleOf(), dataDir: h.dataDir, root: "/", dryRun: false },
      h.services,
    );
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.run.outcome).toBe("succeeded");
  });

  test("patch run applies with the strategy", async () => {
    const schedule = scheduleOf({ patchEnabled: true, strategy: "high_and_above" });
    const h = harness({ schedule });
    const result = await runSchedule(
      { schedule, dataDir: h.dataDir, root: "/srv/root", dryRun: false },
      h.services,
    );
    expect(h.patchRequests).toEqual([
      {
        root: "/srv/root",
        strategy: "high_and_above",
        apply: true,
        offline: false,
        noUpdate: false,
        scanFirst: false,
        dataDir: h.dataDir,
        runLockWaitMs: DEFAULT_LOCK_WAIT_MS,
      },
    ]);
    expect(result.run.historyId).toBe(7);
    expect(result.run.patchOutcome).toBe("succeeded");
    expect(result.run.outcome).toBe("succeeded");
  });

  test("dry run only plans", async () => {
    const schedule = scheduleOf({ patchEnabled: true, strategy: "critical_only" });
    const h = harness({
      schedule,
      patch: patchResult("planned", null, ExitCode.ok),
    });
    const result = await runSchedule(
      { schedule, dataDir: h.dataDir, root: "/", dryRun: true },
      h.services,
    );
    expect(h.patchRequests[0]?.apply).toBe(false);
    expect(result.run.dryRun).toBe(true);
    expect(result.run.patchOutcome).toBe("planned");
    expect(result.run.historyId).toBeNull();
  });

  test("failed patch fails the run", async () => {
    const schedule = scheduleOf({ patchEnabled: true, strategy: "automatic" });
    const h = harness({
      schedule,
      patch: patchResult("failed", 12, ExitCode.aptFailed, ["apt-get install exited with 100"]),
    });
    const result = await runSchedule(
      { schedule, dataDir: h.dataDir, root: "/", dryRun: false },
      h.services,
    );
    expect(result.exitCode).toBe(ExitCode.aptFailed);
    expect(result.run.outcome).toBe("failed");
    expect(result.run.exitCode).toBe(ExitCode.aptFailed);
    expect(result.run.historyId).toBe(12);
    expect(result.run.reason).toBe(
      "patch ended with outcome failed (exit code 10): apt-get install exited with 100",
    );
  });

  test("scan error fails the run with its reason", async () => {
    const h = harness({
      scan: new CortexError("OSV query failed: connection refused", ExitCode.incomplete),
    });
    const result = await runSchedule(
      { schedule: scheduleOf(), dataDir: h.dataDir, root: "/", dryRun: false },
      h.services,
    );
    expect(result.exitCode).toBe(ExitCode.incomplete);
    expect(result.run.outcome).toBe("failed");
    expect(result.run.reason).toBe("OSV query failed: connection refused");
    expect(result.run.finishedAt).not.toBeNull();
  });

  test("unexpected error is internal", async () => {
    const h = harness({ scan: new TypeError("boom") });
    const result = await runSchedule(
      { schedule: scheduleOf(), dataDir: h.dataDir, root: "/", dryRun: false },
      h.services,
    );
    expect(result.exitCode).toBe(ExitCode.internal);
    expect(result.run.reason).toBe("boom");
  });

  test("incomplete scan fails the run", async () => {
    const h = harness({
      scan: {
        complete: false,
        unchecked: [{ sourceName: "openssl", sourceVersion: "3.0.15-1", reason: "timed out" }],
      },
    });
    const result = await runSchedule(
      { schedule: scheduleOf(), dataDir: h.dataDir, root: "/", dryRun: false },
      h.services,
    );
    expect(result.exitCode).toBe(ExitCode.incomplete);
    expect(result.run.reason).toContain("1 source packages could not be checked");
    expect(result.run.reason).toContain("openssl 3.0.15-1: timed out");
    expect(result.run.counts).not.toBeNull();
  });
});

describe("runSchedule offline", () => {
  const offline = scheduleOf({ offline: true, patchEnabled: true, strategy: "critical_only" });

  test("uses no network and skips apt update", async () => {
    const h = harness({ schedule: offline });
    await runSchedule(
      { schedule: offline, dataDir: h.dataDir, root: "/", dryRun: false },
      h.services,
    );
    const scan = h.scanRequests[0];
    expect(scan?.request.offline).toBe(true);
    expect(scan?.request.nvd).toBe(false);
    await expect(scan?.services.fetch("http://127.0.0.1:9/")).rejects.toThrow(
      /offline schedule must not use the network/,
    );
    expect(h.patchRequests[0]?.offline).toBe(true);
    expect(h.patchRequests[0]?.noUpdate).toBe(true);
  });

  test("warns on data older than maximum age", async () => {
    const h = harness({
      schedule: offline,
      scan: { dataRefreshedAt: new Date(START - 10 * 24 * 3600 * 1000) },
    });
    const result = await runSchedule(
      { schedule: offline, dataDir: h.dataDir, root: "/", dryRun: false },
      h.services,
    );
    expect(result.run.outcome).toBe("succeeded");
    expect(result.run.warnings).toHaveLength(1);
    expect(result.run.warnings[0]).toContain("advisory data is 10 days old");
    expect(result.run.warnings[0]).toContain("maximum data age of 7 days");
  });

  test("fails without advisory data", async () => {
    const h = harness({
      schedule: offline,
      scan: new CortexError(
        "no advisory data for Debian:12 in the database",
        ExitCode.unusableInput,
      ),
    });
    const result = await runSchedule(
      { schedule: offline, dataDir: h.dataDir, root: "/", dryRun: false },
      h.services,
    );
    expect(result.exitCode).toBe(ExitCode.unusableInput);
    expect(result.run.outcome).toBe("failed");
    expect(result.run.reason).toContain("no advisory data for Debian:12");
    expect(h.patchRequests).toEqual([]);
  });

  test("keeps the scanner's own age warning", async () => {
    const scannerWarning = "the advisory data is 10 days old, older than the maximum age of 7 days";
    const h = harness({
      schedule: offline,
      scan: {
        dataRefreshedAt: new Date(START - 10 * 24 * 3600 * 1000),
        warnings: [scannerWarning],
      },
    });
    const result = await runSchedule(
      { schedule: offline, dataDir: h.dataDir, root: "/", dryRun: false },
      h.services,
    );
    expect(result.run.warnings).toEqual([scannerWarning]);
  });
});

describe("runSchedule concurrency", () => {
  test("ends a run left running by a killed process", async () => {
    const h = harness();
    const killed = recordRunStart(h.db, {
      scheduleId: "nightly",
      startedAt: new Date(START - 86_400_000),
      dryRun: false,
    });
    const request = { schedule: scheduleOf(), dataDir: h.dataDir, root: "/", dryRun: false };

    const result = await runSchedule(request, h.services);

    expect(result.run.outcome).toBe("succeeded");
    const ended = getScheduleRun(h.db, killed);
    expect(ended?.outcome).toBe("failed");
    expect(ended?.finishedAt).toBeNull();
    expect(ended?.reason).toContain("interrupted");
    const log = (h.services.log as ReturnType<typeof createMemoryLogger>).lines.join("\n");
    expect(log).toContain(`run ${killed}`);
  });

  test("second run waits, never interleaves", async () => {
    let releaseFirst: () => void = () => {};
    const firstScanGate = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let scans = 0;
    const h = harness({
      scan: async () => {
        scans += 1;
        if (scans === 1) await firstScanGate;
        return {};
      },
    });
    const request = { schedule: scheduleOf(), dataDir: h.dataDir, root: "/", dryRun: false };

    const first = runSchedule(request, h.services);
    await Bun.sleep(50);
    const second = runSchedule({ ...request, lockWaitMs: 10_000 }, h.services);
    await Bun.sleep(300);
    expect(scans).toBe(1);
    releaseFirst();
    const [a, b] = await Promise.all([first, second]);

    expect(a.run.outcome).toBe("succeeded");
    expect(b.run.outcome).toBe("succeeded");
    expect(b.run.startedAt.getTime()).toBeGreaterThan(a.run.finishedAt?.getTime() ?? Infinity);
  });

  test("second run fails clearly when the wait ends", async () => {
    let releaseFirst: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const h = harness({ scan: async () => gate.then(() => ({})) });
    const request = { schedule: scheduleOf(), dataDir: h.dataDir, root: "/", dryRun: false };

    const first = runSchedule(request, h.services);
    await Bun.sleep(50);
    const second = await runSchedule({ ...request, lockWaitMs: 300 }, h.services);
    releaseFirst();
    await first;

    expect(second.exitCode).toBe(ExitCode.lockBusy);
    expect(second.run.outcome).toBe("failed");
    expect(second.run.reason).toContain("schedule-nightly.lock");
    expect(h.scanRequests).toHaveLength(1);
  });
});
