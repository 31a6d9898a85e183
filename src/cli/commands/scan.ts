import { type Command, Option } from "@commander-js/extra-typings";
import { loadCortexConfig } from "../../config/cortex-config.ts";
import { usageError } from "../../platform/errors.ts";
import { ExitCode } from "../../platform/exit-codes.ts";
import { resolveDataDir } from "../../platform/paths.ts";
import { countBySeverity } from "../../scan/count-by-severity.ts";
import type { Finding } from "../../scan/finding.ts";
import { runScan, type ScanProgress } from "../../scan/run-scan.ts";
import {
  isSeverity,
  RATED_SEVERITIES_ASCENDING,
  type RatedSeverity,
  SEVERITIES,
  type Severity,
  severityRank,
} from "../../severity/severity.ts";
import { openDatabase } from "../../store/open-database.ts";
import { pathInputsOf } from "../cli-deps.ts";
import type { CommandContext } from "../command-context.ts";
import { DATA_DIR_HELP, ROOT_HELP } from "../common-options.ts";
import { scanToJson } from "../render/scan-json.ts";
import { renderScanText } from "../render/scan-text.ts";

/** Adds `cortex security scan`. */
export function registerScanCommand(security: Command, context: CommandContext): void {
  security
    .command("scan")
    .description(
      "list the known vulnerabilities of the installed packages. Online by default: asks OSV, caches answers for 24 hours, and fills missing ratings from NVD; --offline uses only the local database",
    )
    .option("--all", "scan every installed package (the default)")
    .option(
      "--package <name>",
      "scan only this binary or source package, or NAME:ARCH for one architecture",
    )
    .option("--critical", "scan now and show only critical findings (unrated ones are hidden)")
    .option(
      "--severity <list>",
      `show only these severities, comma-separated (${SEVERITIES.join(", ")}); unrated findings show only when the list has unknown`,
    )
    .addOption(
      new Option(
        "--fail-on <severity>",
        "exit 1 when a finding is at or above this severity; unrated findings count as reaching it, and findings hidden by --severity or --critical count too",
      ).choices(RATED_SEVERITIES_ASCENDING),
    )
    .option("--offline", "use only the local advisory database; never touch the network")
    .option("--refresh", "ask the network even when cached answers are fresh")
    .option("--no-nvd", "do not look up missing severities at NVD")
    .option("--json", "print one JSON object on stdout (schema in docs/json-schema.md)")
    .option("--root <dir>", ROOT_HELP, "/")
    .option(
      "--ecosystem <name>",
      "OSV ecosystem to use instead of the one os-release implies, e.g. Debian:12",
    )
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (options) => {
      if (options.all && options.package) {
        throw usageError("--all and --package exclude each other: give one of them");
      }
      if (options.offline && options.refresh) {
        throw usageError("--offline and --refresh exclude each other");
      }
      const shownSeverities = parseSeverityList(options.severity, options.critical === true);
      const { deps, log } = context;
      const pathInputs = pathInputsOf(deps);
      const config = loadCortexConfig(pathInputs);
      const db = openDatabase(resolveDataDir(options.dataDir, pathInputs));
      try {
        const scan = await runScan(
          {
            root: options.root,
            packageName: options.package,
            offline: options.offline === true,
            refresh: options.refresh === true,
            ecosystemOverride: options.ecosystem,
            nvd: options.nvd,
          },
          {
            db,
            config,
            fetch: deps.fetch,
            now: deps.now,
            log,
            runningKernelRelease: deps.runningKernelRelease,
            onProgress: deps.stderr.isTTY ? progressWriter(context) : undefined,
          },
        );
        if (deps.stderr.isTTY) deps.stderr.write("\r\x1b[K");

        const findings = shownSeverities
          ? scan.findings.filter((finding) => shownSeverities.has(finding.severity))
          : scan.findings;
        const document = scanToJson(scan, {
          now: deps.now(),
          maxDataAgeDays: config.maxDataAgeDays,
          findings,
          counts: countBySeverity(findings),
        });
        const hiddenUnrated = hiddenUnratedWarning(
          scan.findings,
          findings,
          options.critical === true,
        );
        if (hiddenUnrated !== null) document.warnings = [...document.warnings, hiddenUnrated];
        for (const warning of document.warnings) log.warn(warning);
        if (options.json) deps.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
        else deps.stdout.write(renderScanText(document));

        if (!scan.complete) {
          log.warn(
            `scan incomplete: ${scan.unchecked.length} source packages could not be checked (listed in the report); run again when the advisory source is reachable`,
          );
          context.raiseExitCode(ExitCode.incomplete);
        }
        if (options.failOn && reachesThreshold(scan.findings, options.failOn)) {
          context.raiseExitCode(ExitCode.findingsAtOrAboveFailOn);
        }
      } finally {
        db.$client.close();
      }
    });
}

function parseSeverityList(list: string | undefined, criticalOnly: boolean): Set<Severity> | null {
  if (criticalOnly && list) throw usageError("--critical and --severity exclude each other");
  if (criticalOnly) return new Set(["critical"]);
  if (list === undefined) return null;
  const severities = list.split(",").map((item) => item.trim().toLowerCase());
  const invalid = severities.filter((item) => !isSeverity(item));
  if (invalid.length > 0 || severities.length === 0) {
    throw usageError(
      `invalid --severity value "${list}": use a comma-separated list of ${SEVERITIES.join(", ")}`,
    );
  }
  return new Set(severities as Severity[]);
}

/**
 * Returns the warning that a severity filter hid unrated findings, or null when
 * it hid none, because "unknown" must never disappear from a report unnoticed.
 */
function hiddenUnratedWarning(
  allFindings: readonly Finding[],
  shownFindings: readonly Finding[],
  criticalOnly: boolean,
): string | null {
  const hidden =
    allFindings.filter((finding) => finding.severity === "unknown").length -
    shownFindings.filter((finding) => finding.severity === "unknown").length;
  if (hidden === 0) return null;
  const filter = criticalOnly ? "--critical" : "--severity";
  return `${hidden} unrated findings (severity unknown) are hidden by ${filter}: use --severity with unknown in the list to show them`;
}

function reachesThreshold(findings: readonly Finding[], threshold: RatedSeverity): boolean {
  const minimum = severityRank(threshold);
  return findings.some(
    (finding) => finding.severity === "unknown" || severityRank(finding.severity) >= minimum,
  );
}

function progressWriter(context: CommandContext): (progress: ScanProgress) => void {
  return ({ done, total, findings }) => {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    context.deps.stderr.write(
      `\r\x1b[Kscanning ${done}/${total} (${percent}%), ${findings} found so far`,
    );
  };
}
