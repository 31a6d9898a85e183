import { afterEach, describe, expect, test } from "bun:test";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OsvRecord } from "../../src/advisories/osv/osv-record.ts";
import { osvRecordSchema } from "../../src/advisories/osv/osv-record-schema.ts";
import type { CliDeps } from "../../src/cli/cli-deps.ts";
import { createSpawnRunner } from "../../src/platform/bun/spawn-runner.ts";
import type { CommandResult, CommandRunner } from "../../src/platform/command-runner.ts";
import { markDataRefreshed, upsertAdvisory } from "../../src/store/advisory-store.ts";
import { openDatabase } from "../../src/store/open-database.ts";
import { runCli } from "../helpers/cli-harness.ts";
import { HAS_SYSTEMD_ANALYZE } from "../scheduler/systemd-analyze.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cortex-schedule-cli-"));
  dirs.push(dir);
  return dir;
}

const realRunner = createSpawnRunner(process.env);

/**
 * Runs systemd-analyze for real and records every other command without running it, so that
 * no test can reach systemctl or apt on this machine.
 */
function safeRunner(): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(argv, options): Promise<CommandResult> {
      calls.push([...argv]);
      if (argv[0] === "systemd-analyze") return realRunner.run(argv, options);
      return { exitCode: 0, stdout: "", stderr: "" };
    },
  };
}

/** Creates an executable stand-in for the cortex binary, in a directory whose name has a space. */
function fakeCortex(): string {
  const dir = join(tempDir(), "opt cortex");
  mkdirSync(dir);
  const path = join(dir, "cortex");
  writeFileSync(path, "#!/bin/sh\nexit 0\n");
  chmodSync(path, 0o755);
  return path;
}

interface Setup {
  dataDir: string;
  unitDir: string;
  runner: CommandRunner & { calls: string[][] };
  cli(argv: string[], overrides?: Partial<CliDeps>): ReturnType<typeof runCli>;
}

function setup(): Setup {
  const work = tempDir();
  const configDir = join(work, "config");
  mkdirSync(configDir);
  const dataDir = join(work, "data dir");
  const unitDir = join(work, "units");
  const runner = safeRunner();
  const selfCommand = [fakeCortex()];
  return {
    dataDir,
    unitDir,
    runner,
    cli: (argv, overrides = {}) =>
      runCli(["security", "schedule", ...argv], {
        env: { CORTEX_CONFIG_DIR: configDir },
        runner,
        selfCommand,
        uid: 0,
        ...overrides,
      }),
  };
}

describe("schedule create", () => {
  test("creates and lists a schedule", async () => {
    const s = setup();
    const created = await s.cli([
      "create",
      "nightly",
      "--frequency",
      "daily",
      "--enable-patch",
      "--strategy",
      "high_and_above",
      "--offline",
      "--data-dir",
      s.dataDir,
    ]);
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toContain("Created schedule nightly: daily at *-*-* 03:30:00");

    const listed = await s.cli(["list", "--json", "--data-dir", s.dataDir]);
    expect(listed.exitCode).toBe(0);
    const [status] = JSON.parse(listed.stdout);
    expect(status).toMatchObject({
      id: "nightly",
      frequency: "daily",
      strategy: "high_and_above",
      patchEnabled: true,
      offline: true,
      timerInstalled: false,
      lastRun: null,
    });
  });

  test("install hint quotes the data dir", async () => {
    const s = setup();
    // The data directory of setup() contains a space, so the hint must quote it for the shell.
    const created = await s.cli([
      "create",
      "nightly",
      "--frequency",
      "daily",
      "--data-dir",
      s.dataDir,
    ]);

    expect(created.stdout).toContain(
      `sudo cortex security schedule install-timer nightly --data-dir '${s.dataDir}'\n`,
    );
  });

  test.skipIf(!HAS_SYSTEMD_ANALYZE)("show prints custom calendar", async () => {
    const s = setup();
    await s.cli([
      "create",
      "sat",
      "--frequency",
      "weekly",
      "--on-calendar",
      "Sat *-*-* 02:15:00",
      "--data-dir",
      s.dataDir,
    ]);
    const showResult = await s.cli(["show", "sat", "--json", "--data-dir", s.dataDir]);
    expect(showResult.exitCode).toBe(0);
    const details = JSON.parse(showResult.stdout);
    expect(details.onCalendar).toBe("Sat *-*-* 02:15:00");
    expect(details.onCalendarIsDefault).toBe(false);
    expect(details.dataDir).toBe(s.dataDir);
    // The host's time zone decides the UTC hour, so only check that the next run lies ahead.
    expect(Date.parse(details.nextRun)).toBeGreaterThan(Date.now());
    expect(details.runs).toEqual([]);

    const text = await s.cli(["show", "sat", "--data-dir", s.dataDir]);
    expect(text.stdout).toContain("OnCalendar:   Sat *-*-* 02:15:00\n");
    expect(text.stdout).toContain("No runs yet.");
  });

  test("schedule in home directory warns", async () => {
    const s = setup();
    const home = tempDir();
    const created = await s.cli(["create", "mine", "--frequency", "daily"], {
      uid: 1000,
      homeDir: home,
    });
    expect(created.exitCode).toBe(0);
    expect(created.stderr).toContain(`schedule mine is stored in ${home}/.cortex`);
    expect(created.stderr).toContain("its timer's service runs as root");
    expect(created.stdout).toContain(`--data-dir ${home}/.cortex`);
  });

  test("duplicate id is rejected", async () => {
    const s = setup();
    await s.cli(["create", "nightly", "--frequency", "daily", "--data-dir", s.dataDir]);
    const again = await s.cli([
      "create",
      "nightly",
      "--frequency",
      "weekly",
      "--data-dir",
      s.dataDir,
    ]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain("schedule nightly already exists");
  });

  test("create with --on-calendar names it", async () => {
    const s = setup();
    const created = await s.cli([
      "create",
      "often",
      "--frequency",
      "daily",
      "--on-calendar",
      "minutely",
      "--data-dir",
      s.dataDir,
    ]);
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toContain(
      "Created schedule often: OnCalendar=minutely, in place of the daily default *-*-* 03:30:00, scan only.",
    );
  });

  test("unknown frequency is a usage error", async () => {
    const s = setup();
    const result = await s.cli(["create", "x", "--frequency", "hourly", "--data-dir", s.dataDir]);
    expect(result.exitCode).toBe(2);
    expect(existsSync(s.dataDir)).toBe(false);
  });

  test.skipIf(!HAS_SYSTEMD_ANALYZE)("invalid calendar shows systemd's message", async () => {
    const s = setup();
    const result = await s.cli([
      "create",
      "odd",
      "--frequency",
      "weekly",
      "--on-calendar",
      "Funday 25:00",
      "--data-dir",
      s.dataDir,
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("Failed to parse calendar specification");
    expect(existsSync(s.dataDir)).toBe(false);
  });
});

describe("rejected schedule ids", () => {
  const badIds = ["with space", "new\nline", "../escape", "Upper", "x".repeat(65)];

  for (const id of badIds) {
    test(`${JSON.stringify(id.slice(0, 12))} writes no file`, async () => {
      const s = setup();
      const create = await s.cli(["create", id, "--frequency", "daily", "--data-dir", s.dataDir]);
      expect(create.exitCode).toBe(2);
      expect(create.stderr).toContain("invalid schedule id");

      const install = await s.cli([
        "install-timer",
        id,
        "--unit-dir",
        s.unitDir,
        "--data-dir",
        s.dataDir,
      ]);
      expect(install.exitCode).toBe(2);
      expect(existsSync(s.dataDir)).toBe(false);
      expect(existsSync(s.unitDir)).toBe(false);
    });
  }
});

describe.skipIf(!HAS_SYSTEMD_ANALYZE)("schedule timers", () => {
  async function created(): Promise<Setup> {
    const s = setup();
    const result = await s.cli([
      "create",
      "nightly",
      "--frequency",
      "daily",
      "--data-dir",
      s.dataDir,
    ]);
    expect(result.exitCode).toBe(0);
    return s;
  }

  test("install-timer with --unit-dir writes, enables nothing", async () => {
    const s = await created();
    const result = await s.cli([
      "install-timer",
      "nightly",
      "--unit-dir",
      s.unitDir,
      "--data-dir",
      s.dataDir,
    ]);
    expect(result.exitCode).toBe(0);
    expect(readdirSync(s.unitDir).sort()).toEqual([
      "cortex-security-nightly.service",
      "cortex-security-nightly.timer",
    ]);
    const service = readFileSync(join(s.unitDir, "cortex-security-nightly.service"), "utf8");
    expect(service).toContain(`"security" "schedule" "run" "nightly" "--data-dir" "${s.dataDir}"`);
    expect(service).toContain("/opt cortex/cortex");
    expect(result.stdout).toContain("(verified)");
    expect(result.stdout).toContain("systemctl enable --now cortex-security-nightly.timer");
    expect(s.runner.calls.filter((argv) => argv[0] === "systemctl")).toEqual([]);

    const listed = await s.cli(["list", "--json", "--data-dir", s.dataDir]);
    expect(JSON.parse(listed.stdout)[0].timerInstalled).toBe(true);
  });

  test("install-timer needs root without --unit-dir", async () => {
    const s = await created();
    const result = await s.cli(["install-timer", "nightly", "--data-dir", s.dataDir], {
      uid: 1000,
    });
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain("requires root");
  });

  test("delete refuses while a timer is installed", async () => {
    const s = await created();
    await s.cli(["install-timer", "nightly", "--unit-dir", s.unitDir, "--data-dir", s.dataDir]);

    const deleteResult = await s.cli(["delete", "nightly", "--data-dir", s.dataDir]);
    expect(deleteResult.exitCode).toBe(2);
    expect(deleteResult.stderr).toContain("has a timer installed");
    expect(existsSync(join(s.unitDir, "cortex-security-nightly.timer"))).toBe(true);

    const forced = await s.cli(["delete", "nightly", "--force", "--data-dir", s.dataDir]);
    expect(forced.exitCode).toBe(0);
    expect(readdirSync(s.unitDir)).toEqual([]);
    const showAfterDelete = await s.cli(["show", "nightly", "--data-dir", s.dataDir]);
    expect(showAfterDelete.exitCode).toBe(3);
    expect(showAfterDelete.stderr).toContain("schedule nightly not found");
  });

  test("remove-timer deletes the units", async () => {
    const s = await created();
    await s.cli(["install-timer", "nightly", "--unit-dir", s.unitDir, "--data-dir", s.dataDir]);
    const removed = await s.cli(["remove-timer", "nightly", "--data-dir", s.dataDir]);
    expect(removed.exitCode).toBe(0);
    expect(readdirSync(s.unitDir)).toEqual([]);
    expect(s.runner.calls.filter((argv) => argv[0] === "systemctl")).toEqual([]);

    const deleted = await s.cli(["delete", "nightly", "--data-dir", s.dataDir]);
    expect(deleted.exitCode).toBe(0);
  });
});

const DEBIAN_12_OS_RELEASE = 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';

/** Creates a root with one installed package, `foo` 1.0-1, on Debian 12. */
function fixtureRoot(): string {
  const root = tempDir();
  mkdirSync(join(root, "etc"));
  mkdirSync(join(root, "var/lib/dpkg"), { recursive: true });
  writeFileSync(join(root, "etc/os-release"), DEBIAN_12_OS_RELEASE);
  writeFileSync(
    join(root, "var/lib/dpkg/status"),
    [
      "Package: foo",
      "Status: install ok installed",
      "Architecture: amd64",
      "Version: 1.0-1",
      "Description: test package",
      "",
    ].join("\n"),
  );
  return root;
}

function fooAdvisory(): OsvRecord {
  return osvRecordSchema.parse({
    schema_version: "1.6.0",
    id: "DSA-9999-1",
    modified: "2026-11-01T00:00:00Z",
    affected: [
      {
        package: { ecosystem: "Debian:12", name: "foo" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.0-2" }] }],
        ecosystem_specific: { urgency: "high" },
      },
    ],
  }) as OsvRecord;
}

/** Imports the advisory of `foo` into the data directory as if refreshed at `refreshedAt`. */
function importAdvisory(dataDir: string, refreshedAt: Date): void {
  const db = openDatabase(dataDir);
  const record = fooAdvisory();
  upsertAdvisory(db, record, JSON.stringify(record), "import", refreshedAt);
  markDataRefreshed(db, "Debian:12", "import", refreshedAt, record.modified);
  db.$client.close();
}

describe("schedule run", () => {
  const NOW = Date.parse("2026-12-04T03:30:00Z");

  function fakeClock(): () => Date {
    let time = NOW;
    return () => {
      time += 1000;
      return new Date(time);
    };
  }

  test("offline run records outcome and counts", async () => {
    const s = setup();
    await s.cli([
      "create",
      "nightly",
      "--frequency",
      "daily",
      "--offline",
      "--data-dir",
      s.dataDir,
    ]);
    importAdvisory(s.dataDir, new Date(NOW - 24 * 3600 * 1000));

    const result = await s.cli(
      ["run", "nightly", "--root", fixtureRoot(), "--data-dir", s.dataDir],
      { now: fakeClock() },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      "Schedule nightly: run 1 succeeded; findings: critical 0, high 1",
    );

    const showResult = await s.cli(["show", "nightly", "--json", "--data-dir", s.dataDir]);
    const [run] = JSON.parse(showResult.stdout).runs;
    expect(run.outcome).toBe("succeeded");
    expect(run.exitCode).toBe(0);
    // The fake clock starts at NOW and moves one second per reading.
    expect(Date.parse(run.startedAt)).toBeGreaterThan(NOW);
    expect(Date.parse(run.startedAt)).toBeLessThan(NOW + 10_000);
    expect(Date.parse(run.finishedAt)).toBeGreaterThan(Date.parse(run.startedAt));
    expect(run.counts).toEqual({ critical: 0, high: 1, medium: 0, low: 0, unknown: 0 });
    expect(run.scanId).toBe(1);
    expect(run.reason).toBeNull();
  });

  test("offline run warns on old data", async () => {
    const s = setup();
    await s.cli([
      "create",
      "nightly",
      "--frequency",
      "daily",
      "--offline",
      "--data-dir",
      s.dataDir,
    ]);
    importAdvisory(s.dataDir, new Date(NOW - 30 * 24 * 3600 * 1000));

    const result = await s.cli(
      ["run", "nightly", "--root", fixtureRoot(), "--data-dir", s.dataDir],
      { now: fakeClock() },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("30 days old");
  });

  test("offline run without data fails and says why", async () => {
    const s = setup();
    await s.cli([
      "create",
      "nightly",
      "--frequency",
      "daily",
      "--offline",
      "--data-dir",
      s.dataDir,
    ]);

    const result = await s.cli(
      ["run", "nightly", "--root", fixtureRoot(), "--data-dir", s.dataDir],
      { now: fakeClock() },
    );
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain("run 1 failed");
    expect(result.stderr).toContain("no advisory data for Debian:12");

    const listed = await s.cli(["list", "--json", "--data-dir", s.dataDir]);
    const [status] = JSON.parse(listed.stdout);
    expect(status.lastRun.outcome).toBe("failed");
    expect(status.lastRun.reason).toContain("no advisory data for Debian:12");
  });

  test("dry run with patching only plans", async () => {
    const s = setup();
    await s.cli([
      "create",
      "patcher",
      "--frequency",
      "weekly",
      "--enable-patch",
      "--offline",
      "--data-dir",
      s.dataDir,
    ]);
    importAdvisory(s.dataDir, new Date(NOW - 24 * 3600 * 1000));

    const result = await s.cli(
      ["run", "patcher", "--dry-run", "--root", fixtureRoot(), "--data-dir", s.dataDir],
      { now: fakeClock() },
    );
    expect(result.exitCode).toBe(0);

    const showResult = await s.cli(["show", "patcher", "--json", "--data-dir", s.dataDir]);
    const [run] = JSON.parse(showResult.stdout).runs;
    expect(run.dryRun).toBe(true);
    expect(run.patchOutcome).toBe("planned");
    expect(run.historyId).toBeNull();
    const commands = s.runner.calls.map((argv) => argv.join(" "));
    expect(commands.some((command) => command.includes("install"))).toBe(false);
  });

  test("patch refusal fails the run with the reason", async () => {
    const s = setup();
    await s.cli([
      "create",
      "patcher",
      "--frequency",
      "weekly",
      "--enable-patch",
      "--offline",
      "--data-dir",
      s.dataDir,
    ]);
    importAdvisory(s.dataDir, new Date(NOW - 24 * 3600 * 1000));

    const result = await s.cli(
      ["run", "patcher", "--root", fixtureRoot(), "--data-dir", s.dataDir],
      { now: fakeClock(), uid: 1000 },
    );
    expect(result.exitCode).toBe(5);
    const listed = await s.cli(["list", "--json", "--data-dir", s.dataDir]);
    const [status] = JSON.parse(listed.stdout);
    expect(status.lastRun.outcome).toBe("failed");
    expect(status.lastRun.reason).toContain("applying patches needs root");
    const showResult = await s.cli(["show", "patcher", "--json", "--data-dir", s.dataDir]);
    const [run] = JSON.parse(showResult.stdout).runs;
    expect(run.counts).toEqual({ critical: 0, high: 1, medium: 0, low: 0, unknown: 0 });
    expect(run.exitCode).toBe(5);
  });

  test("unknown schedule names the data directory", async () => {
    const s = setup();
    const result = await s.cli(["run", "nope", "--data-dir", s.dataDir]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain(`schedule nope not found in data directory ${s.dataDir}`);
  });

  // Exit code 3, unusable input, as for a missing history entry: the id is valid but names nothing.
  for (const subcommand of ["show", "run", "delete", "install-timer", "remove-timer"]) {
    test(`${subcommand} of unknown schedule is exit 3`, async () => {
      const s = setup();
      const extra = subcommand.endsWith("-timer") ? ["--unit-dir", s.unitDir] : [];
      const result = await s.cli([subcommand, "nope", ...extra, "--data-dir", s.dataDir]);
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toContain("schedule nope not found");
    });
  }
});
