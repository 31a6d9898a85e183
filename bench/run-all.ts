// Runs every benchmark in turn, as `bun run bench`. Each prints the machine and the
// command it measured; docs/benchmarks.md records the figures.
//
//   bun bench/run-all.ts [--binary dist/cortex-linux-x64]

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { binary: { type: "string" } } });
const benches: string[][] = [
  ["offline-scan.ts", ...(values.binary ? ["--binary", values.binary] : [])],
  ["import.ts"],
  ["online-scan.ts"],
  ["patch-plan.ts"],
];

let failed = 0;
for (const [script, ...args] of benches) {
  console.log(`\n== bench/${script} ${args.join(" ")}`);
  const result = spawnSync("bun", [join(import.meta.dir, script ?? ""), ...args], {
    stdio: "inherit",
  });
  if (result.status !== 0) {
    console.error(`bench/${script} failed with exit code ${result.status}`);
    failed += 1;
  }
}
process.exit(failed === 0 ? 0 : 1);
