// Benchmark of the main job: an offline scan of the 710-package Debian 12 host,
// run as users run it (a child process), against `apt list --upgradable` on this
// machine. Prints median wall time and peak RSS of the whole process.
//
//   bun bench/offline-scan.ts [--runs 7] [--binary dist/cortex-linux-x64]

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createFixtureRoot } from "./fixture-root.ts";
import { describeMachine, measureCommand, median } from "./measure-command.ts";

const REPOSITORY = join(import.meta.dir, "..");
const { values } = parseArgs({
  options: { runs: { type: "string", default: "7" }, binary: { type: "string" } },
});
const runs = Number(values.runs);
const cortex = values.binary ? [values.binary] : ["bun", join(REPOSITORY, "src/main.ts")];

const work = mkdtempSync(join(tmpdir(), "cortex-bench-scan-"));
try {
  const root = createFixtureRoot(work);
  const configDir = join(work, "config");
  mkdirSync(configDir);
  const env = { ...process.env, CORTEX_CONFIG_DIR: configDir, CORTEX_DATA_DIR: join(work, "data") };

  const imported = measureCommand(
    [
      ...cortex,
      "security",
      "db",
      "import",
      join(REPOSITORY, "samples/debian12-changelogs-all.zip"),
    ],
    env,
  );
  if (imported.exitCode !== 0) throw new Error(`import failed with exit code ${imported.exitCode}`);

  const scans = [];
  const aptRuns = [];
  for (let run = 0; run < runs; run++) {
    const scan = measureCommand(
      [...cortex, "security", "scan", "--offline", "--json", "--root", root],
      env,
    );
    if (scan.exitCode !== 0) throw new Error(`scan failed with exit code ${scan.exitCode}`);
    scans.push(scan);
    aptRuns.push(measureCommand(["apt", "list", "--upgradable"]));
  }
  const scanMedian = median(scans.map((m) => m.wallSeconds));
  const aptMedian = median(aptRuns.map((m) => m.wallSeconds));
  console.log(`machine: ${describeMachine()}`);
  console.log(
    `command: ${cortex.join(" ")} security scan --offline --json --root <710-package root>`,
  );
  console.log(`runs: ${runs}`);
  console.log(
    `offline scan: median ${scanMedian.toFixed(3)} s, peak RSS median ${median(scans.map((m) => m.peakRssKb)) / 1024} MB`,
  );
  console.log(`apt list --upgradable: median ${aptMedian.toFixed(3)} s`);
  console.log(`ratio scan / apt: ${(scanMedian / aptMedian).toFixed(3)} (target: 0.25 or less)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
