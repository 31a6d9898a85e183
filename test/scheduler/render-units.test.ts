import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSpawnRunner } from "../../src/platform/bun/spawn-runner.ts";
import { renderServiceUnit, renderTimerUnit } from "../../src/scheduler/render-units.ts";
import type { Frequency } from "../../src/scheduler/schedule.ts";
import { serviceUnitName, timerUnitName } from "../../src/scheduler/schedule-id.ts";
import { verifyUnitFiles } from "../../src/scheduler/verify-units.ts";
import { expectGolden } from "./golden.ts";
import { HAS_SYSTEMD_ANALYZE } from "./systemd-analyze.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cortex-units-"));
  dirs.push(dir);
  return dir;
}

function scheduleOf(id: string, frequency: Frequency, onCalendar: string | null = null) {
  return { id, frequency, onCalendar };
}

describe("renderServiceUnit", () => {
  test("compiled binary matches golden file", () => {
    const text = renderServiceUnit(
      scheduleOf("nightly", "daily"),
      ["/usr/local/bin/cortex"],
      "/var/lib/cortex",
    );
    expectGolden("cortex-security-nightly.service", text);
  });

  test("bun entry point with spaces and specials", () => {
    const text = renderServiceUnit(
      scheduleOf("weekly_patch", "weekly"),
      ["/usr/bin/bun", "/opt/cortex security/src/main.ts"],
      '/srv/cortex data/100%$HOME/"q"\\',
    );
    expectGolden("cortex-security-weekly_patch.service", text);
  });

  test("quotes every ExecStart argument", () => {
    const text = renderServiceUnit(
      scheduleOf("nightly", "daily"),
      ["/opt/cortex security/cortex"],
      "/data dir",
    );
    expect(text).toContain(
      'ExecStart="/opt/cortex security/cortex" "security" "schedule" "run" "nightly" "--data-dir" "/data dir"\n',
    );
  });

  test("has the required settings", () => {
    const text = renderServiceUnit(scheduleOf("a", "daily"), ["/bin/cortex"], "/var/lib/cortex");
    for (const line of [
      "Type=oneshot",
      "After=network-online.target",
      "Wants=network-online.target",
      "Nice=19",
      "IOSchedulingClass=idle",
      "CPUSchedulingPolicy=batch",
    ]) {
      expect(text.split("\n")).toContain(line);
    }
    expect(text).toMatch(/^TimeoutStartSec=\S+$/m);
    expect(text).not.toContain("Requires=");
  });

  test("rejects a relative program path", () => {
    expect(() => renderServiceUnit(scheduleOf("a", "daily"), ["cortex"], "/data")).toThrow(
      /absolute path/,
    );
  });

  test("rejects a relative data directory", () => {
    expect(() => renderServiceUnit(scheduleOf("a", "daily"), ["/bin/cortex"], "data")).toThrow(
      /not an absolute path/,
    );
  });
});

describe("renderTimerUnit", () => {
  const cases: [string, Frequency, string | null, string][] = [
    ["daily", "daily", null, "OnCalendar=*-*-* 03:30:00"],
    ["weekly", "weekly", null, "OnCalendar=Mon *-*-* 04:00:00"],
    ["monthly", "monthly", null, "OnCalendar=*-*-01 04:30:00"],
    ["custom", "weekly", "Sat *-*-* 02:15:00", "OnCalendar=Sat *-*-* 02:15:00"],
  ];

  for (const [id, frequency, onCalendar, expectedLine] of cases) {
    test(`${id} timer matches golden file`, () => {
      const text = renderTimerUnit(scheduleOf(id, frequency, onCalendar));
      expect(text.split("\n")).toContain(expectedLine);
      expectGolden(`cortex-security-${id}.timer`, text);
    });
  }

  test("has the required settings", () => {
    const lines = renderTimerUnit(scheduleOf("a", "daily")).split("\n");
    expect(lines).toContain("Persistent=true");
    expect(lines).toContain("WantedBy=timers.target");
    expect(lines.some((line) => line.startsWith("RandomizedDelaySec="))).toBe(true);
    expect(lines.some((line) => line.startsWith("Requires="))).toBe(false);
  });

  test("rejects a line break in the expression", () => {
    expect(() =>
      renderTimerUnit(scheduleOf("a", "daily", "daily\n[Service]\nExecStartPre=/bin/true")),
    ).toThrow(/control character/);
  });
});

describe.skipIf(!HAS_SYSTEMD_ANALYZE)("units with systemd-analyze verify", () => {
  /** Creates an executable stand-in for cortex in a directory whose name has a space. */
  function fakeCortex(): string {
    const dir = join(tempDir(), "cortex bin");
    mkdirSync(dir);
    const path = join(dir, "cortex");
    writeFileSync(path, "#!/bin/sh\nexit 0\n");
    chmodSync(path, 0o755);
    return path;
  }

  function writeUnits(
    id: string,
    frequency: Frequency,
    onCalendar: string | null,
    selfCommand: string[],
    dataDir = "/var/lib/cortex data",
  ) {
    const unitDir = join(tempDir(), "units");
    mkdirSync(unitDir);
    const schedule = scheduleOf(id, frequency, onCalendar);
    const servicePath = join(unitDir, serviceUnitName(id));
    const timerPath = join(unitDir, timerUnitName(id));
    writeFileSync(servicePath, renderServiceUnit(schedule, selfCommand, dataDir));
    writeFileSync(timerPath, renderTimerUnit(schedule));
    return { servicePath, timerPath };
  }

  const runner = createSpawnRunner(process.env);

  for (const frequency of ["daily", "weekly", "monthly"] as const) {
    test(`${frequency} units pass verify`, async () => {
      const paths = writeUnits(`v-${frequency}`, frequency, null, [fakeCortex()]);
      expect(await verifyUnitFiles(runner, paths)).toEqual({ status: "verified", warnings: "" });
    });
  }

  test("bun with entry point passes verify", async () => {
    const paths = writeUnits("v-bun", "daily", "Fri *-*-* 01:00:00", [
      process.execPath,
      "/opt/cortex security/src/main.ts",
    ]);
    expect(await verifyUnitFiles(runner, paths)).toEqual({ status: "verified", warnings: "" });
  });

  test("escaped data directory passes verify", async () => {
    const dataDir = '/srv/cortex data/100%$HOME/"q"\\';
    const paths = writeUnits("v-escaped", "weekly", null, [fakeCortex()], dataDir);
    expect(await verifyUnitFiles(runner, paths)).toEqual({ status: "verified", warnings: "" });
  });

  test("missing ExecStart binary fails verify", async () => {
    const paths = writeUnits("v-missing", "daily", null, ["/nonexistent dir/cortex"]);
    const result = await verifyUnitFiles(runner, paths);
    expect(result.status).toBe("invalid");
    if (result.status !== "invalid") throw new Error("unreachable: status asserted above");
    expect(result.message).toContain("/nonexistent dir/cortex");
  });

  test("missing service file is caught", async () => {
    const paths = writeUnits("v-noservice", "daily", null, [fakeCortex()]);
    rmSync(paths.servicePath);
    const result = await verifyUnitFiles(runner, paths);
    expect(result).toEqual({
      status: "invalid",
      message: `unit file ${paths.servicePath} is missing`,
    });
  });
});
