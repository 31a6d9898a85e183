// Benchmark of the dry-run patch plan for the 710-package Debian 12 host.
//
//   bun bench/patch-plan.ts [--runs 7]
//
// Setup (not timed): imports samples/debian12-changelogs-all.zip into a fresh data
// directory with `cortex security db import` and records an offline scan of a root containing
// test/fixtures/dpkg/debian12-host.status. Timed, in this process: `runPatch` without
// --apply, planning from that recorded scan, with a command runner that returns
// synthetic output for `apt-cache policy` and `apt-cache show` (the candidate of each
// source is its highest fixed version, so most findings become upgrades). The apt
// responses cost no time here, so the figure is cortex's own work. On a real host each
// `apt-cache` call adds what apt takes there, so the script also times one real
// `apt-cache policy` of the same packages on this machine (read-only).

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_NVD_URL, DEFAULT_OSV_URL } from "../src/config/cortex-config.ts";
import { readDpkgDatabase } from "../src/inventory/dpkg/read-dpkg-database.ts";
import type { InstalledPackage } from "../src/inventory/installed-package.ts";
import { DEFAULT_PATCHER_CONFIG } from "../src/patching/patcher-config.ts";
import { runPatch } from "../src/patching/run-patch.ts";
import type { CommandResult } from "../src/platform/command-runner.ts";
import { createMemoryLogger } from "../src/platform/logger.ts";
import type { Finding } from "../src/scan/finding.ts";
import { runScan } from "../src/scan/run-scan.ts";
import { openDatabase } from "../src/store/open-database.ts";
import { compareDebianVersions } from "../src/versioning/debian-version.ts";
import { createFixtureRoot } from "./fixture-root.ts";
import { describeMachine, measureCommand, median } from "./measure-command.ts";

const REPOSITORY = join(import.meta.dir, "..");
const { values } = parseArgs({ options: { runs: { type: "string", default: "7" } } });
const runs = Number(values.runs);

const config = {
  osvUrl: DEFAULT_OSV_URL,
  nvdUrl: DEFAULT_NVD_URL,
  nvdApiKey: null,
  nvdEnabled: false,
  nvdTimeBudgetSeconds: 0,
  cacheTtlHours: 24,
  maxDataAgeDays: 36_500,
  requestTimeoutSeconds: 5,
};

/** Returns apt output as a host would whose candidates are the highest fixed versions. */
function createSyntheticApt(packages: InstalledPackage[], findings: Finding[]) {
  const installed = new Map(packages.map((pkg) => [`${pkg.name}:${pkg.arch}`, pkg]));
  const fixBySource = new Map<string, string>();
  for (const finding of findings) {
    if (finding.fixedVersion === null) continue;
    const current = fixBySource.get(finding.sourcePackage);
    if (!current || compareDebianVersions(finding.fixedVersion, current) > 0) {
      fixBySource.set(finding.sourcePackage, finding.fixedVersion);
    }
  }
  const candidateOf = (pkg: InstalledPackage) => {
    const fix = fixBySource.get(pkg.sourceName);
    return fix && compareDebianVersions(fix, pkg.version) > 0 ? fix : pkg.version;
  };
  let calls = 0;
  const run = async (argv: readonly string[]): Promise<CommandResult> => {
    calls += 1;
    if (argv[0] === "dpkg") return { exitCode: 0, stdout: "amd64\n", stderr: "" };
    if (argv[1] === "policy") {
      const text = argv.slice(2).map((key) => {
        const pkg = installed.get(key);
        if (!pkg) return "";
        const header = pkg.arch === "amd64" || pkg.arch === "all" ? pkg.name : key;
        const candidate = candidateOf(pkg);
        return `${header}:\n  Installed: ${pkg.version}\n  Candidate: ${candidate}\n  Version table:\n     ${candidate} 500\n        500 file:/srv/repo ./ Packages\n *** ${pkg.version} 100\n        100 /var/lib/dpkg/status\n`;
      });
      return { exitCode: 0, stdout: text.join(""), stderr: "" };
    }
    if (argv[1] === "show") {
      const text = argv.slice(2).map((spec) => {
        const [key, version] = spec.split("=") as [string, string];
        const pkg = installed.get(key) as InstalledPackage;
        return `Package: ${pkg.name}\nArchitecture: ${pkg.arch}\nVersion: ${version}\nSource: ${pkg.sourceName} (${version})\nSize: 100000\nInstalled-Size: 400\n\n`;
      });
      return { exitCode: 0, stdout: text.join(""), stderr: "" };
    }
    return { exitCode: 1, stdout: "", stderr: `unexpected ${argv.join(" ")}` };
  };
  return { run, calls: () => calls };
}

const work = mkdtempSync(join(tmpdir(), "cortex-bench-plan-"));
try {
  const root = createFixtureRoot(work);
  const dataDir = join(work, "data");
  const configDir = join(work, "config");
  mkdirSync(configDir);
  const imported = measureCommand(
    [
      "bun",
      join(REPOSITORY, "src/main.ts"),
      "security",
      "db",
      "import",
      join(REPOSITORY, "samples/debian12-changelogs-all.zip"),
      "--data-dir",
      dataDir,
    ],
    { ...process.env, CORTEX_CONFIG_DIR: configDir },
  );
  if (imported.exitCode !== 0) throw new Error(`import failed with exit code ${imported.exitCode}`);

  const db = openDatabase(dataDir);
  const log = createMemoryLogger();
  const services = { db, config, fetch, now: () => new Date(), log, runningKernelRelease: null };
  const scan = await runScan({ root, offline: true, refresh: false, nvd: false }, services);
  const inventory = await readDpkgDatabase(root);
  const apt = createSyntheticApt(inventory.packages, scan.findings);

  const times: number[] = [];
  let result: Awaited<ReturnType<typeof runPatch>> | null = null;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    result = await runPatch(
      {
        root,
        strategy: "automatic",
        apply: false,
        offline: true,
        noUpdate: true,
        scanFirst: false,
        dataDir,
      },
      {
        ...services,
        patcherConfig: DEFAULT_PATCHER_CONFIG,
        runner: { run: apt.run },
        uid: 1000,
      },
    );
    times.push((performance.now() - started) / 1000);
  }
  db.$client.close();

  // For scale: the same `apt-cache policy` query run against this machine's real apt
  // (read-only), whose dpkg status is the one the fixture was copied from.
  const sources = new Set(scan.findings.map((finding) => finding.sourcePackage));
  const keys = inventory.packages
    .filter((pkg) => sources.has(pkg.sourceName))
    .map((pkg) => `${pkg.name}:${pkg.arch}`);
  const realApt = measureCommand(["apt-cache", "policy", ...keys], { ...process.env, LC_ALL: "C" });

  const plan = result?.plan;
  console.log(`machine: ${describeMachine()}`);
  console.log(
    `packages: ${inventory.packages.length}, findings in the recorded scan: ${scan.findings.length}`,
  );
  console.log(
    `plan: ${plan?.upgrades.length} upgrades, ${plan?.fixes.length} fixes, ${plan?.remaining.length} remaining, ${plan?.skipped.length} skipped; ${apt.calls() / runs} apt calls per run`,
  );
  console.log(`runs: ${runs}`);
  console.log(
    `apt-cache policy of the same ${keys.length} packages on this machine: ${realApt.wallSeconds.toFixed(3)} s`,
  );
  console.log(
    `dry-run plan (runPatch, synthetic apt responses): median ${median(times).toFixed(3)} s, min ${Math.min(...times).toFixed(3)} s, max ${Math.max(...times).toFixed(3)} s`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
