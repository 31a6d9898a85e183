import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Finding } from "../../src/scan/finding.ts";
import { openDatabase } from "../../src/store/open-database.ts";
import { saveScan } from "../../src/store/scan-store.ts";
import { createRecordingRunner, runCli } from "../helpers/cli-harness.ts";

const NOW = new Date("2026-12-04T12:00:00Z");
const STATUS = `Package: foo
Status: install ok installed
Architecture: all
Version: 1.0-1
Description: test package

`;
const POLICY = `foo:
  Installed: 1.0-1
  Candidate: 1.0-2
  Version table:
     1.0-2 500
        500 file:/srv/repo ./ Packages
 *** 1.0-1 100
        100 /var/lib/dpkg/status
`;

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

/** Creates a data directory, a fake root with a dpkg status, and a config directory. */
function workspace() {
  const base = mkdtempSync(join(tmpdir(), "cortex-cli-patch-"));
  directories.push(base);
  const root = join(base, "root");
  mkdirSync(join(root, "var/lib/dpkg/updates"), { recursive: true });
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(join(root, "var/lib/dpkg/status"), STATUS);
  writeFileSync(join(root, "etc/os-release"), 'ID=debian\nVERSION_ID="12"\n');
  const configDir = join(base, "config");
  mkdirSync(configDir);
  return { base, root, dataDir: join(base, "data"), configDir };
}

function fooFinding(severity: Finding["severity"] = "high"): Finding {
  return {
    package: "foo",
    arch: "all",
    installedVersion: "1.0-1",
    sourcePackage: "foo",
    sourceVersion: "1.0-1",
    vulnerabilityId: "DEBIAN-CVE-2026-0001",
    aliases: [],
    summary: null,
    severity,
    severitySource: severity === "unknown" ? "none" : "debian-urgency",
    cvssScore: null,
    fixedVersion: "1.0-2",
    fixStatus: "fixed",
    proFixedVersion: null,
    ecosystem: "Debian:12",
    notes: [],
  };
}

function recordScan(
  dataDir: string,
  root: string,
  finishedAt: Date,
  findings: Finding[],
  dataRefreshedAt: Date = finishedAt,
): void {
  const db = openDatabase(dataDir);
  saveScan(db, {
    id: null,
    startedAt: finishedAt,
    finishedAt,
    root,
    ecosystem: "Debian:12",
    mode: "offline",
    complete: true,
    packageCount: 1,
    packageFilter: null,
    dataRefreshedAt,
    counts: { critical: 0, high: findings.length, medium: 0, low: 0, unknown: 0 },
    findings,
    warnings: [],
    unchecked: [],
  });
  db.$client.close();
}

function aptRunner(
  override: (
    argv: readonly string[],
  ) => { exitCode: number; stdout: string; stderr: string } | null = () => null,
) {
  return createRecordingRunner((argv) => {
    const answer = override(argv);
    if (answer) return answer;
    if (argv[0] === "dpkg" && argv.includes("--print-architecture")) {
      return { exitCode: 0, stdout: "amd64\n", stderr: "" };
    }
    if (argv[0] === "apt-cache" && argv[1] === "policy") {
      return { exitCode: 0, stdout: POLICY, stderr: "" };
    }
    if (argv[0] === "apt-cache" && argv[1] === "show") {
      return {
        exitCode: 0,
        stdout: "Package: foo\nVersion: 1.0-2\nArchitecture: all\nSize: 600\n",
        stderr: "",
      };
    }
    return { exitCode: 1, stdout: "", stderr: `unexpected command ${argv.join(" ")}` };
  });
}

function patch(args: string[], space: ReturnType<typeof workspace>, runner = aptRunner()) {
  return runCli(["security", "patch", "--root", space.root, "--data-dir", space.dataDir, ...args], {
    env: { CORTEX_CONFIG_DIR: space.configDir },
    now: () => NOW,
    runner,
  });
}

describe("patch command", () => {
  test("dry run plans from the recorded scan", async () => {
    const space = workspace();
    recordScan(space.dataDir, space.root, new Date(NOW.getTime() - 2 * 3_600_000), [fooFinding()]);
    const runner = aptRunner();
    const result = await patch([], space, runner);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("foo:all  1.0-1 -> 1.0-2");
    expect(result.stdout).toContain("finished 2 h ago");
    expect(result.stdout).toContain("Advisory data age: 2 h");
    expect(result.stdout).toContain("Dry run: nothing was changed");
    expect(runner.calls.map((call) => call.argv[0])).toEqual(["dpkg", "apt-cache", "apt-cache"]);
    for (const call of runner.calls) {
      expect(call.options?.env?.LC_ALL).toBe("C");
      expect(call.options?.env?.APT_CONFIG).toStartWith(join(space.dataDir, "apt"));
    }
  });

  test("json output", async () => {
    const space = workspace();
    recordScan(space.dataDir, space.root, NOW, [fooFinding("unknown")]);
    const result = await patch(["--json", "--strategy", "high_and_above"], space);
    expect(result.exitCode).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.applied).toBe(false);
    expect(document.historyId).toBeNull();
    expect(document.plan.upgrades).toEqual([
      {
        package: "foo",
        arch: "all",
        sourcePackage: "foo",
        fromVersion: "1.0-1",
        toVersion: "1.0-2",
      },
    ]);
    expect(document.plan.fixes[0]).toMatchObject({ unrated: true, rankedAs: "high" });
  });

  test("json output has the data age", async () => {
    const space = workspace();
    recordScan(space.dataDir, space.root, new Date(NOW.getTime() - 2 * 3_600_000), [fooFinding()]);
    const result = await patch(["--json"], space);
    expect(result.exitCode).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.dataAgeSeconds).toBe(2 * 3600);
    expect(document.dataStale).toBe(false);
  });

  test("stale data warns in every output", async () => {
    const space = workspace();
    const tenDaysAgo = new Date(NOW.getTime() - 10 * 86_400_000);
    recordScan(space.dataDir, space.root, NOW, [fooFinding()], tenDaysAgo);

    const text = await patch([], space);
    expect(text.exitCode).toBe(0);
    expect(text.stderr).toContain("older than the maximum age of 7 days");
    expect(text.stdout).toContain("Advisory data age: 10 d");
    expect(text.stdout).toContain("- STALE");

    const json = await patch(["--json"], space);
    const document = JSON.parse(json.stdout);
    expect(document.dataAgeSeconds).toBe(10 * 86_400);
    expect(document.dataStale).toBe(true);
    expect(json.stderr).toContain("older than the maximum age of 7 days");
  });

  test("no recorded scan is exit 3", async () => {
    const space = workspace();
    const result = await patch([], space);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("no full scan");
    expect(result.stderr).toContain("--scan-and-patch");
  });

  test("scan older than 24 hours is exit 3", async () => {
    const space = workspace();
    recordScan(space.dataDir, space.root, new Date(NOW.getTime() - 25 * 3_600_000), [fooFinding()]);
    const result = await patch([], space);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("finished 25 h ago");
    expect(result.stderr).toContain("older than 24 hours");
  });

  test("apply without root is exit 5", async () => {
    const space = workspace();
    const runner = aptRunner();
    const result = await patch(["--apply"], space, runner);
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain("needs root");
    expect(runner.calls).toEqual([]);
  });

  test("apt lock timeout during update is exit 7", async () => {
    const space = workspace();
    recordScan(space.dataDir, space.root, NOW, [fooFinding()]);
    const runner = aptRunner((argv) =>
      argv.at(-1) === "update"
        ? {
            exitCode: 100,
            stdout: "",
            stderr:
              "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4711 (apt-get)\n",
          }
        : null,
    );
    const result = await runCli(
      ["security", "patch", "--apply", "--root", space.root, "--data-dir", space.dataDir],
      { env: { CORTEX_CONFIG_DIR: space.configDir }, now: () => NOW, runner, uid: 0 },
    );
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toContain("could not get the apt lock");
    expect(runner.calls.map((call) => call.argv.at(-1))).toEqual(["update"]);
  });

  test("simulation that removes a package is exit 10", async () => {
    const space = workspace();
    recordScan(space.dataDir, space.root, NOW, [fooFinding()]);
    const runner = aptRunner((argv) => {
      if (argv.at(-1) === "update") {
        return { exitCode: 100, stdout: "", stderr: "E: Failed to fetch file:/srv/repo/Release\n" };
      }
      if (argv[0] === "apt-get" && argv.includes("-s")) {
        return {
          exitCode: 0,
          stdout: "Remv bar [2.0-1]\nInst foo [1.0-1] (1.0-2 Lab [all])\n",
          stderr: "",
        };
      }
      return null;
    });
    const result = await runCli(
      ["security", "patch", "--apply", "--root", space.root, "--data-dir", space.dataDir],
      { env: { CORTEX_CONFIG_DIR: space.configDir }, now: () => NOW, runner, uid: 0 },
    );
    expect(result.exitCode).toBe(10);
    expect(result.stderr).toContain("warning: apt-get update failed");
    expect(result.stderr).toContain("apt would remove bar");
    // The suggested command must check the root, not this host's packages.
    expect(result.stderr).toMatch(
      new RegExp(`"APT_CONFIG=${space.dataDir}/apt/root-[0-9a-f]{16}\\.conf apt-get -s install`),
    );
    expect(
      runner.calls.some((call) => call.argv.includes("install") && !call.argv.includes("-s")),
    ).toBe(false);
  });

  test("failed apt-cache policy is exit 10", async () => {
    // apt prints nothing on stdout then, which must not read as "no candidate".
    const space = workspace();
    recordScan(space.dataDir, space.root, NOW, [fooFinding()]);
    const runner = aptRunner((argv) =>
      argv[0] === "apt-cache" && argv[1] === "policy"
        ? {
            exitCode: 100,
            stdout: "",
            stderr:
              "E: Malformed entry 2 in list file /etc/apt/sources.list (Component)\nE: The list of sources could not be read.\n",
          }
        : null,
    );
    const result = await patch([], space, runner);
    expect(result.exitCode).toBe(10);
    expect(result.stderr).toContain("apt-cache policy failed");
    expect(result.stderr).toContain("The list of sources could not be read");
    expect(result.stdout).not.toContain("fix not yet in the apt sources");
  });

  test("package not installed is exit 3", async () => {
    const space = workspace();
    recordScan(space.dataDir, space.root, NOW, [fooFinding()]);
    const result = await patch(["--package", "fooo"], space);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("package fooo is not installed under");
  });

  test("invalid patcher_config.json is exit 3", async () => {
    const space = workspace();
    writeFileSync(join(space.configDir, "patcher_config.json"), '{"blacklist": "foo"}');
    const result = await patch([], space);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("patcher_config.json");
    expect(result.stderr).toContain("blacklist");
  });

  test("blacklist from patcher_config.json", async () => {
    const space = workspace();
    writeFileSync(join(space.configDir, "patcher_config.json"), '{"blacklist": ["foo"]}');
    recordScan(space.dataDir, space.root, NOW, [fooFinding()]);
    const result = await patch([], space);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      'foo:all  1.0-1 -> 1.0-2  blacklisted: matches blacklist pattern "foo"',
    );
  });

  test("help describes strategies and config", async () => {
    const result = await runCli(["security", "patch", "--help"]);
    expect(result.exitCode).toBe(0);
    for (const word of [
      "critical_only",
      "high_and_above",
      "automatic",
      "min_severity",
      "unknown_severity",
      "patcher_config.json",
    ]) {
      expect(result.stdout).toContain(word);
    }
  });
});
