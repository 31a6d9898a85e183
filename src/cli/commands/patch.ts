import { type Command, Option } from "@commander-js/extra-typings";
import { loadCortexConfig } from "../../config/cortex-config.ts";
import { PATCH_STRATEGIES } from "../../patching/patch-plan.ts";
import { loadPatcherConfig } from "../../patching/patcher-config.ts";
import { renderPatchText } from "../../patching/render-patch-text.ts";
import { DEFAULT_APT_LOCK_TIMEOUT_SECONDS, runPatch } from "../../patching/run-patch.ts";
import { usageError } from "../../platform/errors.ts";
import { formatAge } from "../../platform/format-age.ts";
import { resolveDataDir } from "../../platform/paths.ts";
import { dataAge } from "../../scan/data-age.ts";
import { openDatabase } from "../../store/open-database.ts";
import { pathInputsOf } from "../cli-deps.ts";
import type { CommandContext } from "../command-context.ts";
import { DATA_DIR_HELP, ROOT_HELP } from "../common-options.ts";

const PATCH_HELP = `
Strategies (which source packages are upgraded):
  critical_only    only sources with a fixable critical vulnerability
  high_and_above   only sources with a fixable high or critical vulnerability
  automatic        every source with a fixable vulnerability at or above min_severity
Every strategy also honours min_severity. An unrated finding is ranked as unknown_severity
(default high) and the plan marks it unrated.

The plan upgrades every installed binary of a source package, on every architecture, to
apt's candidate, and only counts a vulnerability as fixed when the candidate is at or above
its fixed version. It lists what stays and why (no fix, fix not yet in the apt sources, fix
requires Ubuntu Pro) and every package skipped (blacklisted, not whitelisted, held, below
min_severity, excluded by the strategy).

Without --scan-and-patch the plan uses the last full scan of the same root, which must be at
most 24 hours old. Without --apply nothing is changed. With --apply (as root): apt-get update
(unless --offline or --no-update), checks for an interrupted dpkg and free space, saves the
installed .deb of every version replaced into <data-dir>/packages/ for rollback, upgrades
non-interactively keeping locally changed configuration files, and records the run in history.

patcher_config.json (in /etc/cortex/, then ~/.cortex/; only $CORTEX_CONFIG_DIR when set):
  {"whitelist": [], "blacklist": ["linux-image-*"], "min_severity": "low",
   "unknown_severity": "high", "saved_package_retention_days": 90}
Patterns are exact names or shell globs matching the binary or the source package name.

Exit codes: 3 no usable scan or invalid configuration, 5 not root, 6 another patch run,
7 apt lock timeout, 8 dpkg interrupted, 9 not enough space, 10 apt failed, 11 partial.
`;

/** Adds `cortex security patch`. */
export function registerPatchCommand(security: Command, context: CommandContext): void {
  security
    .command("patch")
    .description("plan upgrades that fix the known vulnerabilities, and with --apply install them")
    .option("--scan-and-patch", "scan first instead of using the last recorded full scan")
    .addOption(
      new Option("--strategy <name>", "which vulnerabilities to patch")
        .choices(PATCH_STRATEGIES)
        .default("automatic" as const),
    )
    .option(
      "--package <name>",
      "patch only the vulnerabilities of this binary (NAME or NAME:ARCH) or source package; every installed binary of its source is upgraded",
    )
    .option("--apply", "install the upgrades (needs root); without it only the plan is printed")
    .option("--json", "print one JSON object on stdout")
    .option("--root <dir>", ROOT_HELP, "/")
    .option("--offline", "use only the local advisory database and skip apt-get update")
    .option("--no-update", "skip apt-get update before applying")
    .option(
      "--lock-timeout <seconds>",
      "seconds to wait for a dpkg lock held by another package manager",
      String(DEFAULT_APT_LOCK_TIMEOUT_SECONDS),
    )
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .addHelpText("after", PATCH_HELP)
    .action(async (options) => {
      const lockTimeout = Number(options.lockTimeout);
      if (!Number.isInteger(lockTimeout) || lockTimeout < 0) {
        throw usageError(
          `invalid --lock-timeout "${options.lockTimeout}": give a whole number of seconds`,
        );
      }
      const { deps, log } = context;
      const pathInputs = pathInputsOf(deps);
      const patcherConfig = loadPatcherConfig(pathInputs);
      const config = loadCortexConfig(pathInputs);
      const dataDir = resolveDataDir(options.dataDir, pathInputs);
      const db = openDatabase(dataDir);
      try {
        const result = await runPatch(
          {
            root: options.root,
            strategy: options.strategy,
            apply: options.apply === true,
            offline: options.offline === true,
            noUpdate: !options.update,
            packageName: options.package,
            scanFirst: options.scanAndPatch === true,
            dataDir,
            aptLockTimeoutSeconds: lockTimeout,
          },
          {
            db,
            config,
            patcherConfig,
            fetch: deps.fetch,
            now: deps.now,
            log,
            runner: deps.runner,
            uid: deps.uid,
            runningKernelRelease: deps.runningKernelRelease,
          },
        );
        const now = deps.now();
        const scanAge = formatAge((now.getTime() - result.outcome.scanFinishedAt.getTime()) / 1000);
        const { dataRefreshedAt } = result.outcome;
        const { ageSeconds: dataAgeSeconds, stale: dataStale } = dataAge(
          dataRefreshedAt,
          now,
          config.maxDataAgeDays,
        );
        if (dataStale) {
          log.warn(
            dataAgeSeconds === null
              ? "the advisory data behind this plan has no recorded refresh time"
              : `the advisory data behind this plan is ${formatAge(dataAgeSeconds)} old, older than the maximum age of ${config.maxDataAgeDays} days: import newer data or scan online`,
          );
        }
        const dataAgeText =
          dataAgeSeconds === null
            ? "unknown"
            : `${formatAge(dataAgeSeconds)} (data as of ${dataRefreshedAt?.toISOString()})${dataStale ? " - STALE" : ""}`;
        if (options.json) {
          const document = {
            root: options.root,
            applied: options.apply === true,
            historyId: result.historyId,
            exitCode: result.exitCode,
            dataAgeSeconds,
            dataStale,
            plan: result.plan,
            outcome: result.outcome,
          };
          deps.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
        } else {
          deps.stdout.write(
            renderPatchText(result.plan, result.outcome, {
              root: options.root,
              historyId: result.historyId,
              scanAge,
              dataAge: dataAgeText,
            }),
          );
        }
        context.raiseExitCode(result.exitCode);
      } finally {
        db.$client.close();
      }
    });
}
