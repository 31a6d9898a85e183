// Benchmark of `cortex security db import` on the sample archive.
//
//   bun bench/import.ts [--runs 5] [--binary dist/cortex-linux-x64]
//
// Runs the import as a user would: each run is a child process
// (`bun src/main.ts security db import samples/debian12-changelogs-all.zip
// --data-dir <fresh temporary directory>`). Prints the machine and the command, then
// per run and as a median:
// - wall time and records per second, process start included;
// - the import's own time as the database records it, from its start to the last
//   record stored (before the commit, and without process start or module loading);
// - the child's peak RSS, from `/usr/bin/time -v` when it exists, else from Bun's
//   resource usage of the child.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadLatestAdvisoryImport } from "../src/store/advisory-store.ts";
import { openDatabase } from "../src/store/open-database.ts";

const REPOSITORY = join(import.meta.dir, "..");
const SAMPLE_ZIP = join("samples", "debian12-changelogs-all.zip");
const GNU_TIME = "/usr/bin/time";

interface RunResult {
  wallMs: number;
  /** From the `advisory_imports` row: start to last record stored, without process start. */
  importMs: number;
  records: number;
  peakRssBytes: number;
}

async function runOnce(useGnuTime: boolean): Promise<RunResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "cortex-bench-import-"));
  const command = [...cortexCommand, "security", "db", "import", SAMPLE_ZIP, "--data-dir", dataDir];
  // GNU time writes its report to a file: writing it to Bun's stderr pipe was cut short
  // and made time exit 1 (the GNU time of Debian 12, Bun 1.4.5).
  const timeReport = join(dataDir, "time.txt");
  const argv = useGnuTime ? [GNU_TIME, "-v", "-o", timeReport, ...command] : command;
  try {
    const started = performance.now();
    const child = Bun.spawn(argv, {
      cwd: REPOSITORY,
      // An empty configuration directory keeps the host's settings out of the measurement.
      env: { ...process.env, CORTEX_CONFIG_DIR: dataDir },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    const wallMs = performance.now() - started;
    if (exitCode !== 0) {
      throw new Error(`import exited with ${exitCode}:\n${stdout}${stderr}`);
    }

    const records = Number(/(\d+) records accepted/.exec(stdout)?.[1]);
    if (!Number.isFinite(records)) {
      throw new Error(`import output has no record count:\n${stdout}`);
    }
    const report = useGnuTime ? await Bun.file(timeReport).text() : null;
    return {
      wallMs,
      importMs: recordedImportMs(dataDir),
      records,
      peakRssBytes: peakRss(report, child),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function recordedImportMs(dataDir: string): number {
  const db = openDatabase(dataDir);
  try {
    const row = loadLatestAdvisoryImport(db);
    if (row === null) throw new Error(`no import recorded in ${dataDir}`);
    return row.finishedAt.getTime() - row.startedAt.getTime();
  } finally {
    db.$client.close();
  }
}

function peakRss(timeReport: string | null, child: Bun.Subprocess): number {
  if (timeReport !== null) {
    const kilobytes = /Maximum resident set size \(kbytes\): (\d+)/.exec(timeReport)?.[1];
    if (kilobytes === undefined)
      throw new Error(`${GNU_TIME} -v printed no peak RSS:\n${timeReport}`);
    return Number(kilobytes) * 1024;
  }
  // Bun reports maxRSS in bytes: 106 MB here against 101 MB from /usr/bin/time for one import.
  return child.resourceUsage()?.maxRSS ?? Number.NaN;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function formatRun(label: string, run: RunResult): string {
  const perSecond = Math.round(run.records / (run.wallMs / 1000));
  const importPerSecond = Math.round(run.records / (run.importMs / 1000));
  const rssMb = (run.peakRssBytes / 1024 / 1024).toFixed(1);
  return (
    `${label.padEnd(8)} ${run.wallMs.toFixed(0).padStart(6)} ms  ${String(perSecond).padStart(7)} records/s` +
    `  import alone ${String(run.importMs).padStart(5)} ms  ${String(importPerSecond).padStart(7)} records/s` +
    `  peak RSS ${rssMb} MB`
  );
}

const { values } = parseArgs({
  options: { runs: { type: "string", default: "5" }, binary: { type: "string" } },
});
/** The compiled binary when given, else the entry point run by this Bun. */
const cortexCommand = values.binary ? [values.binary] : [process.execPath, "src/main.ts"];
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  throw new Error(`--runs must be a positive integer, got ${values.runs}`);
}

const useGnuTime = existsSync(GNU_TIME);
const processors = cpus();
console.log(
  `machine: ${processors.length} CPUs, ${processors[0]?.model ?? "unknown model"}; Bun ${Bun.version}`,
);
console.log(
  `command: ${values.binary ?? "bun src/main.ts"} security db import ${SAMPLE_ZIP} --data-dir <fresh temporary directory>`,
);
console.log(`peak RSS from: ${useGnuTime ? `${GNU_TIME} -v` : "Bun.spawn resourceUsage().maxRSS"}`);

const results: RunResult[] = [];
for (let run = 1; run <= runs; run++) {
  const result = await runOnce(useGnuTime);
  results.push(result);
  console.log(formatRun(`run ${run}`, result));
}
console.log(
  formatRun("median", {
    wallMs: median(results.map((result) => result.wallMs)),
    importMs: median(results.map((result) => result.importMs)),
    records: results[0]?.records ?? 0,
    peakRssBytes: median(results.map((result) => result.peakRssBytes)),
  }),
);
