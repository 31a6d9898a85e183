import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HistoryKind, HistoryStatus } from "../../src/history/history-entry.ts";
import { insertHistoryEntry } from "../../src/history/history-store.ts";
import type { InstalledPackage } from "../../src/inventory/installed-package.ts";
import { openSqlite } from "../../src/platform/bun/sqlite-database.ts";
import type { CommandRunner } from "../../src/platform/command-runner.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { DATABASE_FILE_NAME } from "../../src/platform/paths.ts";
import {
  insertSchedule,
  recordRunStart,
  setTimerState,
} from "../../src/scheduler/schedule-store.ts";
import { createStatusApp } from "../../src/server/create-app.ts";
import { createDatabaseStatusSources } from "../../src/server/database-status-sources.ts";
import {
  openReadOnlyDatabase,
  type ReadOnlyDatabase,
} from "../../src/server/read-only-database.ts";
import { markDataRefreshed } from "../../src/store/advisory-store.ts";
import { openDatabase } from "../../src/store/open-database.ts";
import { saveScan } from "../../src/store/scan-store.ts";
import { NOW, sampleScan } from "./status-fixtures.ts";

function kernelImage(release: string, version: string): InstalledPackage {
  return {
    name: `linux-image-${release}`,
    arch: "amd64",
    version,
    sourceName: "linux-signed-amd64",
    sourceVersion: version,
    status: "install ok installed",
    held: false,
    essential: false,
  };
}

/** `systemd-analyze calendar --iterations=1` output of systemd 252 in a UTC zone. */
const CALENDAR_OUTPUT = `  Original form: *-*-* 03:30:00
Normalized form: *-*-* 03:30:00
    Next elapse: Sat 2026-12-05 03:30:00 UTC
       From now: 15h left
`;

describe("database status sources", () => {
  let dataDir: string;
  let databasePath: string;
  let database: ReadOnlyDatabase;
  const calls: string[][] = [];
  const runner: CommandRunner = {
    async run(argv) {
      calls.push([...argv]);
      return argv[0] === "systemd-analyze"
        ? { exitCode: 0, stdout: CALENDAR_OUTPUT, stderr: "" }
        : { exitCode: 127, stdout: "", stderr: `${argv[0]}: not found` };
    },
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "cortex-serve-"));
    databasePath = join(dataDir, DATABASE_FILE_NAME);
    database = openReadOnlyDatabase(databasePath);
  });

  afterEach(() => {
    database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const log = createMemoryLogger();

  interface HostState {
    files?: Record<string, string>;
    packages?: InstalledPackage[] | Error;
    runningKernelRelease?: string | null;
  }

  function sources(host: HostState = {}) {
    return createDatabaseStatusSources({
      database,
      scanRoot: "/",
      runner,
      now: () => NOW,
      readHostFile: (path) => host.files?.[path] ?? null,
      readInstalledPackages: async () => {
        if (host.packages instanceof Error) throw host.packages;
        return host.packages ?? [];
      },
      runningKernelRelease: host.runningKernelRelease ?? null,
      log,
    });
  }

  function recordState(): void {
    const db = openDatabase(dataDir);
    saveScan(db, { ...sampleScan(), id: null });
    markDataRefreshed(db, "Debian:12", "import", new Date("2026-12-03T12:00:00.000Z"), null);
    insertSchedule(db, {
      id: "nightly",
      frequency: "daily",
      onCalendar: null,
      patchEnabled: true,
      strategy: "critical_only",
      offline: true,
      dataDir,
      createdAt: new Date("2026-12-01T00:00:00.000Z"),
      timerUnitDir: null,
      timerEnabled: false,
    });
    setTimerState(db, "nightly", { timerUnitDir: "/etc/systemd/system", timerEnabled: true });
    recordRunStart(db, {
      scheduleId: "nightly",
      startedAt: new Date("2026-12-04T03:30:12.000Z"),
      dryRun: false,
    });
    db.$client.close();
  }

  function recordHistory(): void {
    const db = openDatabase(dataDir);
    const runs: [HistoryKind, HistoryStatus, string][] = [
      ["patch", "succeeded", "2026-11-30T04:00:00.000Z"],
      ["patch", "partial", "2026-12-01T04:00:00.000Z"],
      ["rollback", "succeeded", "2026-12-02T09:00:00.000Z"],
    ];
    for (const [kind, status, startedAt] of runs) {
      insertHistoryEntry(db, {
        kind,
        status,
        root: "/",
        startedAt: new Date(startedAt),
        finishedAt: new Date(Date.parse(startedAt) + 60_000),
        strategy: kind === "patch" ? "critical_only" : null,
        rollbackOf: kind === "rollback" ? 2 : null,
        plan: null,
        packages: [],
        commands: [
          {
            argv: ["apt-get", "install", "-y", "libexpat1=2.5.0-1+deb12u2"],
            exitCode: 0,
            stdout: "Reading package lists...\n",
            stderr: "",
            startedAt,
            durationMs: 5300,
          },
        ],
        messages: [],
        reboot: null,
      });
    }
    db.$client.close();
  }

  test("missing database reports nothing recorded", async () => {
    const status = sources();
    expect(await status.latestScan()).toBeNull();
    expect(await status.dataFreshness()).toEqual([]);
    expect(await status.schedules()).toEqual([]);
    expect(existsSync(databasePath)).toBe(false);
  });

  test("reads the recorded scan", async () => {
    recordState();
    const scan = await sources().latestScan();
    expect(scan?.finishedAt).toEqual(sampleScan().finishedAt);
    expect(scan?.findings).toEqual(sampleScan().findings);
  });

  test("skips partial and other-root scans", async () => {
    recordState();
    const db = openDatabase(dataDir);
    const later = new Date("2026-12-04T11:30:00.000Z");
    saveScan(db, { ...sampleScan(), id: null, finishedAt: later, packageFilter: "openssl" });
    saveScan(db, { ...sampleScan(), id: null, finishedAt: later, root: "/srv/image" });
    db.$client.close();
    const scan = await sources().latestScan();
    expect(scan?.id).toBe(1);
    expect(scan?.root).toBe("/");
    expect(scan?.packageFilter).toBeNull();
  });

  test("reads data freshness", async () => {
    recordState();
    expect(await sources().dataFreshness()).toEqual([
      { ecosystem: "Debian:12", refreshedAt: new Date("2026-12-03T12:00:00.000Z"), recordCount: 0 },
    ]);
  });

  test("reads schedules with next run", async () => {
    recordState();
    const [schedule] = await sources().schedules();
    expect(schedule).toMatchObject({
      id: "nightly",
      onCalendar: "*-*-* 03:30:00",
      timerInstalled: true,
      timerEnabled: true,
      lastRun: {
        startedAt: new Date("2026-12-04T03:30:12.000Z"),
        finishedAt: null,
        outcome: "running",
      },
      nextRunAt: new Date("2026-12-05T03:30:00.000Z"),
    });
    expect(calls.at(-1)?.[0]).toBe("systemd-analyze");
  });

  test("lists history without command output", async () => {
    recordHistory();
    const entries = await sources().history(2);
    expect(entries.map((entry) => [entry.kind, entry.status])).toEqual([
      ["rollback", "succeeded"],
      ["patch", "partial"],
    ]);
    expect(entries[0]?.commands).toEqual([
      {
        argv: ["apt-get", "install", "-y", "libexpat1=2.5.0-1+deb12u2"],
        exitCode: 0,
        startedAt: "2026-12-02T09:00:00.000Z",
        durationMs: 5300,
      },
    ]);
  });

  test("last patch run skips rollbacks", async () => {
    recordHistory();
    const run = await sources().lastPatchRun();
    expect(run?.id).toBe(2);
    expect(run?.kind).toBe("patch");
    expect(run?.status).toBe("partial");
  });

  test("counts patch runs per status", async () => {
    recordHistory();
    expect(await sources().patchRunCounts()).toEqual({ succeeded: 1, partial: 1 });
  });

  test("empty history reports nothing", async () => {
    recordState();
    const status = sources();
    expect(await status.history(50)).toEqual([]);
    expect(await status.lastPatchRun()).toBeNull();
    expect(await status.patchRunCounts()).toEqual({});
  });

  test("no reboot without causes", async () => {
    expect(await sources().rebootStatus()).toEqual({ pending: false, reasons: [] });
  });

  test("reboot-required file names packages", async () => {
    const files = {
      "/var/run/reboot-required": "*** System restart required ***\n",
      "/var/run/reboot-required.pkgs": "libc6\nlibssl3\n",
    };
    expect(await sources({ files }).rebootStatus()).toEqual({
      pending: true,
      reasons: ["/var/run/reboot-required exists (packages: libc6, libssl3)"],
    });
  });

  test("newer installed kernel needs a reboot", async () => {
    const status = await sources({
      packages: [
        kernelImage("6.1.0-18-amd64", "6.1.76-1"),
        kernelImage("6.1.0-21-amd64", "6.1.90-1"),
      ],
      runningKernelRelease: "6.1.0-18-amd64",
    }).rebootStatus();
    expect(status).toEqual({
      pending: true,
      reasons: ["kernel 6.1.0-21-amd64 is installed but 6.1.0-18-amd64 is running"],
    });
  });

  test("running newest kernel needs no reboot", async () => {
    const status = await sources({
      packages: [
        kernelImage("6.1.0-18-amd64", "6.1.76-1"),
        kernelImage("6.1.0-21-amd64", "6.1.90-1"),
      ],
      runningKernelRelease: "6.1.0-21-amd64",
    }).rebootStatus();
    expect(status).toEqual({ pending: false, reasons: [] });
  });

  test("unreadable dpkg database is logged once", async () => {
    log.lines.length = 0;
    const status = sources({
      files: { "/var/run/reboot-required": "" },
      packages: new Error("no dpkg database found under /"),
    });
    expect((await status.rebootStatus()).pending).toBe(true);
    expect((await status.rebootStatus()).pending).toBe(true);
    expect(log.lines).toEqual([
      "warning: failed to read the installed packages, so the reboot check ignores kernels until they can be read: no dpkg database found under /",
    ]);
  });

  test("scan recorded after start shows up", async () => {
    const status = sources();
    expect(await status.latestScan()).toBeNull();
    recordState();
    expect((await status.latestScan())?.id).toBe(1);
    const db = openDatabase(dataDir);
    saveScan(db, { ...sampleScan(), id: null, finishedAt: new Date("2026-12-04T11:30:00.000Z") });
    db.$client.close();
    expect((await status.latestScan())?.id).toBe(2);
  });

  test("requests leave the database unchanged", async () => {
    recordState();
    recordHistory();
    // Readers of a WAL database update the -shm index (read marks), so only the data files count.
    const digest = () =>
      ["", "-wal"]
        .map((suffix) => `${databasePath}${suffix}`)
        .filter((path) => existsSync(path))
        .map((path) => createHash("sha256").update(readFileSync(path)).digest("hex"))
        .join(",");
    const before = digest();
    const app = createStatusApp(sources(), { now: () => NOW, maxDataAgeDays: 7 });
    for (const path of ["/status", "/vulnerabilities", "/history", "/metrics"]) {
      expect((await app.request(path)).status).toBe(200);
    }
    expect(digest()).toBe(before);
  });

  test("connection rejects writes", () => {
    recordState();
    const db = database.get();
    expect(() => db?.$client.exec("DELETE FROM scans")).toThrow(/readonly/);
  });

  test("older schema names the fix", async () => {
    const db = openSqlite(databasePath);
    db.$client.exec("PRAGMA user_version = 1");
    db.$client.close();
    const app = createStatusApp(sources(), { now: () => NOW, maxDataAgeDays: 7 });
    const response = await app.request("/status");
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: string };
    expect(body.error).toContain("has schema version 1, older than this cortex");
    expect(body.error).toContain("cortex security scan");
  });
});
