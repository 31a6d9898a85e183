import type { Command } from "@commander-js/extra-typings";
import {
  NVD_REQUESTS_PER_WINDOW_WITH_KEY,
  NVD_REQUESTS_PER_WINDOW_WITHOUT_KEY,
  NVD_WINDOW_MS,
} from "../../advisories/nvd/nvd-client.ts";
import { fillNvdRatings } from "../../advisories/online/fill-nvd-ratings.ts";
import { refreshFromOsv } from "../../advisories/online/refresh-from-osv.ts";
import { type CortexConfig, loadCortexConfig } from "../../config/cortex-config.ts";
import { validateEcosystem } from "../../inventory/detect-ecosystem.ts";
import { readDpkgDatabase } from "../../inventory/dpkg/read-dpkg-database.ts";
import { inputError } from "../../platform/errors.ts";
import { ExitCode } from "../../platform/exit-codes.ts";
import { resolveDataDir } from "../../platform/paths.ts";
import type { ScanResult } from "../../scan/scan-result.ts";
import { type CortexDatabase, openDatabase } from "../../store/open-database.ts";
import { loadLatestScan } from "../../store/scan-store.ts";
import { scans } from "../../store/schema/scans.ts";
import { pathInputsOf } from "../cli-deps.ts";
import type { CommandContext } from "../command-context.ts";
import { DATA_DIR_HELP } from "../common-options.ts";

interface DbUpdateOptions {
  nvd?: boolean;
  dataDir?: string;
  ecosystem?: string;
}

/** Adds `cortex security db update`: refresh OSV data, or with `--nvd` fill NVD ratings. */
export function registerDbUpdateCommand(db: Command, context: CommandContext): void {
  db.command("update")
    .description(
      "refresh the OSV data of the source packages of the latest full scan, ignoring cached results; with --nvd, look up NVD ratings for the findings of the latest scans whose severity is unknown, as fast as NVD's rate limit allows (5 requests per 30 s, 50 with NVD_API_KEY)",
    )
    .option("--nvd", "fill missing severities from NVD instead of refreshing OSV data")
    .option(
      "--ecosystem <name>",
      "OSV ecosystem to look packages up in, e.g. Debian:12 or Ubuntu:22.04:LTS (default: the scan's); with --nvd, only scans of this ecosystem",
    )
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (options: DbUpdateOptions) => {
      const { deps } = context;
      const pathInputs = pathInputsOf(deps);
      const config = loadCortexConfig(pathInputs);
      const ecosystem =
        options.ecosystem === undefined ? undefined : validateEcosystem(options.ecosystem);
      const database = openDatabase(resolveDataDir(options.dataDir, pathInputs));
      try {
        if (options.nvd) {
          await updateNvdRatings(context, database, config, ecosystem);
        } else {
          await updateOsvData(context, database, config, ecosystem);
        }
      } finally {
        database.$client.close();
      }
    });
}

async function updateOsvData(
  context: CommandContext,
  database: CortexDatabase,
  config: CortexConfig,
  ecosystemOverride: string | undefined,
): Promise<void> {
  const { deps, log } = context;
  const scan = loadLatestScan(database, { fullOnly: true });
  if (scan === null) {
    throw inputError(
      "no full scan recorded yet, so there is no package list to refresh: run `cortex security scan` (online, it fetches the data it needs), or load an OSV all.zip with `cortex security db import FILE`",
    );
  }

  const ecosystem = ecosystemOverride ?? scan.ecosystem;
  const dpkg = await readDpkgDatabase(scan.root);
  const queries = new Map<string, { ecosystem: string; name: string; version: string }>();
  for (const pkg of dpkg.packages) {
    const query = { ecosystem, name: pkg.sourceName, version: pkg.sourceVersion };
    queries.set(`${query.name}\u0000${query.version}`, query);
  }
  log.info(
    `Refreshing ${ecosystem} data from ${config.osvUrl} for ${queries.size} source packages installed under ${scan.root} (latest full scan: ${scan.finishedAt.toISOString()})`,
  );

  const result = await refreshFromOsv([...queries.values()], {
    db: database,
    config,
    fetch: deps.fetch,
    now: deps.now,
    log,
    refresh: true,
  });
  const checked = queries.size - result.unchecked.length;
  deps.stdout.write(
    `Refreshed ${ecosystem}: ${checked} of ${queries.size} source packages looked up in ${result.requests} requests\n`,
  );
  for (const entry of result.unchecked) {
    log.warn(`${entry.sourceName} ${entry.sourceVersion} was not checked: ${entry.reason}`);
  }
  if (result.unchecked.length > 0) {
    log.error(
      `${result.unchecked.length} source packages could not be looked up, so their stored data may be outdated; run \`cortex security db update\` again later`,
    );
    context.raiseExitCode(ExitCode.incomplete);
  }
}

async function updateNvdRatings(
  context: CommandContext,
  database: CortexDatabase,
  config: CortexConfig,
  ecosystem: string | undefined,
): Promise<void> {
  const { deps, log } = context;
  if (!config.nvdEnabled) {
    throw inputError(
      "NVD lookups are turned off (nvdEnabled is false in config.json); remove that setting to use --nvd",
    );
  }

  const latest = latestScanPerRoot(database).filter(
    (scan) => ecosystem === undefined || scan.ecosystem === ecosystem,
  );
  if (latest.length === 0) {
    throw inputError(
      `no scan${ecosystem === undefined ? "" : ` of ${ecosystem}`} recorded yet, so there are no findings to rate: run \`cortex security scan\` first`,
    );
  }
  const cveIds = unratedCveIds(latest);
  if (cveIds.length === 0) {
    deps.stdout.write(
      "Every finding of the latest scans has a severity (or no CVE id to look up); nothing to ask NVD.\n",
    );
    return;
  }

  const perWindow =
    config.nvdApiKey === null
      ? NVD_REQUESTS_PER_WINDOW_WITHOUT_KEY
      : NVD_REQUESTS_PER_WINDOW_WITH_KEY;
  const minutes = Math.ceil((cveIds.length / perWindow) * (NVD_WINDOW_MS / 60_000));
  const keyHint = config.nvdApiKey === null ? "; set NVD_API_KEY to go 10 times faster" : "";
  log.info(
    `Looking up ${cveIds.length} CVE ids at NVD, ${perWindow} per 30 s: up to about ${minutes} min${keyHint}`,
  );

  const result = await fillNvdRatings(cveIds, {
    db: database,
    config,
    fetch: deps.fetch,
    now: deps.now,
    log,
    timeBudgetSeconds: Number.POSITIVE_INFINITY,
  });
  const cached = cveIds.length - result.fetched - result.pending.length;
  deps.stdout.write(
    `NVD: ${result.fetched} CVE ids fetched, ${cached} already cached, ${result.pending.length} still pending. Run \`cortex security scan\` to apply the ratings to the findings.\n`,
  );
  if (result.pending.length > 0) {
    log.error(
      `${result.pending.length} CVE ids are still unrated (see the warning above); run \`cortex security db update --nvd\` again later`,
    );
    context.raiseExitCode(ExitCode.incomplete);
  }
}

/** Loads the newest scan of each scanned root. */
function latestScanPerRoot(database: CortexDatabase): ScanResult[] {
  const roots = database.selectDistinct({ root: scans.root }).from(scans).all();
  return roots
    .map(({ root }) => loadLatestScan(database, { root }))
    .filter((scan) => scan !== null);
}

/**
 * CVE ids (the record id, its aliases or its upstream ids) of findings whose severity is
 * still unknown. Debian's DLA records (OSV schema 1.7) name their CVE only in `upstream`.
 */
function unratedCveIds(latest: readonly ScanResult[]): string[] {
  const ids = new Set<string>();
  for (const scan of latest) {
    for (const finding of scan.findings) {
      if (finding.severity !== "unknown") continue;
      for (const id of [finding.vulnerabilityId, ...finding.aliases, ...(finding.upstream ?? [])]) {
        if (/^CVE-\d{4}-\d+$/i.test(id)) ids.add(id.toUpperCase());
      }
    }
  }
  return [...ids].sort();
}
