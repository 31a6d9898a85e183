import { spawnSync } from "node:child_process";
import { cpus } from "node:os";

/** Wall time and peak resident memory of one finished child process. */
export interface CommandMeasurement {
  wallSeconds: number;
  peakRssKb: number;
  exitCode: number;
}

/**
 * Runs a command under GNU time (`/usr/bin/time -f "%e %M"`), which reports the
 * whole child process's wall time and maximum resident set size.
 */
export function measureCommand(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): CommandMeasurement {
  const result = spawnSync("/usr/bin/time", ["-f", "TIME %e %M", ...argv], {
    env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const line = result.stderr.split("\n").find((text) => text.startsWith("TIME "));
  if (!line) {
    throw new Error(
      `/usr/bin/time printed no measurement for ${argv.join(" ")}: ${result.stderr.slice(-500)}`,
    );
  }
  const [, seconds, rss] = line.split(" ");
  return { wallSeconds: Number(seconds), peakRssKb: Number(rss), exitCode: result.status ?? -1 };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Describes the machine (CPU count and model, Bun version) for the benchmark record. */
export function describeMachine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} x ${cpu}, Bun ${Bun.version}`;
}
