import type { OsvRecord } from "../../src/advisories/osv/osv-record.ts";
import { osvRecordSchema } from "../../src/advisories/osv/osv-record-schema.ts";
import {
  type CortexConfig,
  DEFAULT_NVD_URL,
  DEFAULT_OSV_URL,
} from "../../src/config/cortex-config.ts";
import { DEFAULT_PATCHER_CONFIG, type PatcherConfig } from "../../src/patching/patcher-config.ts";
import type { PatchServices } from "../../src/patching/run-patch.ts";
import { createSpawnRunner } from "../../src/platform/bun/spawn-runner.ts";
import type { CommandRunner, RunOptions } from "../../src/platform/command-runner.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { markDataRefreshed, upsertAdvisory } from "../../src/store/advisory-store.ts";
import { type CortexDatabase, openMemoryDatabase } from "../../src/store/open-database.ts";

export const LAB_CONFIG: CortexConfig = {
  osvUrl: DEFAULT_OSV_URL,
  nvdUrl: DEFAULT_NVD_URL,
  nvdApiKey: null,
  nvdEnabled: false,
  nvdTimeBudgetSeconds: 0,
  cacheTtlHours: 24,
  maxDataAgeDays: 7,
  requestTimeoutSeconds: 5,
};

export interface RecordedCall {
  argv: string[];
  env: Record<string, string>;
}

/** Wraps the real command runner, recording every call with the environment it was given. */
export function createRecordingSpawnRunner(): CommandRunner & { calls: RecordedCall[] } {
  const real = createSpawnRunner({ PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin" });
  const calls: RecordedCall[] = [];
  return {
    calls,
    run(argv: readonly string[], options?: RunOptions) {
      calls.push({ argv: [...argv], env: { ...options?.env } });
      return real.run(argv, options);
    },
  };
}

/** OSV record in the Debian security tracker's shape: `foo` in Debian:12 fixed in `fixed`. */
export function fooRecord(id: string, fixed: string, urgency = "high"): OsvRecord {
  return osvRecordSchema.parse({
    schema_version: "1.6.0",
    id,
    modified: "2026-11-01T00:00:00Z",
    published: "2026-10-01T00:00:00Z",
    aliases: [],
    summary: `lab vulnerability in foo, fixed in ${fixed}`,
    affected: [
      {
        package: { ecosystem: "Debian:12", name: "foo", purl: "pkg:deb/debian/foo?arch=source" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }],
        ecosystem_specific: { urgency },
      },
    ],
  }) as OsvRecord;
}

/** Opens a memory database holding `records` as imported Debian:12 data. */
export function openLabDatabase(records: OsvRecord[], now: Date): CortexDatabase {
  const db = openMemoryDatabase();
  for (const record of records) upsertAdvisory(db, record, JSON.stringify(record), "import", now);
  markDataRefreshed(db, "Debian:12", "import", now, "2026-11-01T00:00:00Z");
  return db;
}

export function labServices(
  db: CortexDatabase,
  runner: CommandRunner,
  patcherConfig: Partial<PatcherConfig> = {},
): PatchServices & { log: ReturnType<typeof createMemoryLogger> } {
  return {
    db,
    config: LAB_CONFIG,
    patcherConfig: { ...DEFAULT_PATCHER_CONFIG, ...patcherConfig },
    fetch: (() => {
      throw new Error("lab tests must not reach the network");
    }) as unknown as typeof fetch,
    now: () => new Date(),
    log: createMemoryLogger(),
    runner,
    uid: 0,
    runningKernelRelease: null,
  };
}

const PACKAGE_TOOLS = new Set([
  "apt-get",
  "apt-cache",
  "apt-mark",
  "dpkg",
  "dpkg-query",
  "dpkg-repack",
]);

/**
 * Lists the recorded package-tool calls that were not pointed at `root`: neither a
 * `--root=ROOT` argument nor an `APT_CONFIG` from `dataDir` (which cortex writes for the root).
 */
export function callsNotPointedAt(
  calls: readonly RecordedCall[],
  root: string,
  dataDir: string,
): string[] {
  return calls
    .filter((call) => PACKAGE_TOOLS.has((call.argv[0] ?? "").split("/").pop() as string))
    .filter(
      (call) =>
        !call.argv.includes(`--root=${root}`) && call.env.APT_CONFIG?.startsWith(dataDir) !== true,
    )
    .map((call) => call.argv.join(" "));
}
