import type { Command } from "@commander-js/extra-typings";
import { historyEntryToJson } from "../../history/history-json.ts";
import { listHistory, loadHistoryEntry } from "../../history/history-store.ts";
import { parseDuration } from "../../history/parse-duration.ts";
import { pruneHistory } from "../../history/prune-history.ts";
import {
  renderHistoryEntry,
  renderHistoryList,
  renderRollbackPlan,
} from "../../history/render-history-text.ts";
import { runRollback } from "../../history/run-rollback.ts";
import { loadPatcherConfig } from "../../patching/patcher-config.ts";
import { DEFAULT_APT_LOCK_TIMEOUT_SECONDS, PATCH_LOCK_NAME } from "../../patching/run-patch.ts";
import { inputError, usageError } from "../../platform/errors.ts";
import { resolveDataDir } from "../../platform/paths.ts";
import { acquireRunLock } from "../../platform/run-lock.ts";
import { openDatabase } from "../../store/open-database.ts";
import { pathInputsOf } from "../cli-deps.ts";
import type { CommandContext } from "../command-context.ts";
import { DATA_DIR_HELP } from "../common-options.ts";
import { withDatabase } from "../with-database.ts";

/** How long `history prune` waits for a running patch or rollback to finish. */
const PRUNE_LOCK_WAIT_MS = 60_000;

/** Adds `cortex security history` (list, `show`, `prune`) and `cortex security rollback`. */
export function registerHistoryCommands(security: Command, context: CommandContext): void {
  const history = security
    .command("history")
    .description("list, show and prune the recorded patch and rollback runs");

  // `list` is the default, so `history --limit 5` lists. The options live on the subcommands
  // only: options on `history` itself would swallow those given after `show` or `prune`.
  history
    .command("list", { isDefault: true })
    .description("list patch and rollback runs, newest first")
    .option("--limit <n>", "show at most this many entries")
    .option("--json", 'print {"entries": [...]} on stdout')
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (options) => {
      const limit = options.limit === undefined ? undefined : parseCount(options.limit, "--limit");
      await withDatabase(context, options.dataDir, (db) => {
        const entries = listHistory(db, { limit });
        if (options.json) {
          const document = {
            entries: entries.map((e) => historyEntryToJson(e, { detail: false })),
          };
          context.deps.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
        } else {
          context.deps.stdout.write(renderHistoryList(entries));
        }
      });
    });

  history
    .command("show")
    .description("show one entry: packages, saved .deb files, commands and their output")
    .argument("<id>", "history entry id")
    .option("--json", "print the entry as JSON, with the plan and the commands")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (id, options) => {
      const entryId = parseCount(id, "entry id");
      await withDatabase(context, options.dataDir, (db) => {
        const entry = loadHistoryEntry(db, entryId);
        if (entry === null) {
          throw inputError(
            `there is no history entry #${entryId}; list the entries with "cortex security history"`,
          );
        }
        context.deps.stdout.write(
          options.json
            ? `${JSON.stringify(historyEntryToJson(entry, { detail: true }), null, 2)}\n`
            : renderHistoryEntry(entry),
        );
      });
    });

  history
    .command("prune")
    .description(
      "remove entries that started before a given age, with their saved .deb files (default age: saved_package_retention_days of patcher_config.json, 90 days)",
    )
    .option("--older-than <duration>", "age such as 30d, 12h, 90m or 2w")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (options) => {
      const { deps } = context;
      const pathInputs = pathInputsOf(deps);
      const ageMs =
        options.olderThan === undefined
          ? loadPatcherConfig(pathInputs).savedPackageRetentionDays * 86_400_000
          : parseDuration(options.olderThan);
      const dataDir = resolveDataDir(options.dataDir, pathInputs);
      // The patch lock keeps prune from deleting saved .deb files that a running rollback uses.
      const lock = await acquireRunLock(dataDir, PATCH_LOCK_NAME, { waitMs: PRUNE_LOCK_WAIT_MS });
      try {
        await withDatabase(context, options.dataDir, (db) => {
          const cutoff = new Date(deps.now().getTime() - ageMs);
          const result = pruneHistory(db, dataDir, cutoff);
          deps.stdout.write(
            `Removed ${result.removedEntries.length} entries started before ${cutoff.toISOString()} and ${result.removedFiles} saved .deb files.\n`,
          );
        });
      } finally {
        lock.release();
      }
    });

  security
    .command("rollback")
    .description(
      "reinstall the versions a patch run replaced, from the saved .deb files, on the root recorded in the entry (dry run unless --apply)",
    )
    .argument("<id>", "history entry id of the patch run")
    .option("--apply", "reinstall the old versions (needs root)")
    .option("--json", "print the rollback plan and outcome as JSON")
    .option(
      "--lock-timeout <seconds>",
      "seconds to wait for a dpkg lock held by another package manager",
      String(DEFAULT_APT_LOCK_TIMEOUT_SECONDS),
    )
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (id, options) => {
      const entryId = parseCount(id, "entry id");
      const lockTimeout = parseCount(options.lockTimeout, "--lock-timeout");
      const { deps, log } = context;
      const pathInputs = pathInputsOf(deps);
      const dataDir = resolveDataDir(options.dataDir, pathInputs);
      const db = openDatabase(dataDir);
      try {
        const result = await runRollback(
          {
            id: entryId,
            apply: options.apply === true,
            dataDir,
            aptLockTimeoutSeconds: lockTimeout,
          },
          {
            db,
            now: deps.now,
            log,
            runner: deps.runner,
            uid: deps.uid,
            runningKernelRelease: deps.runningKernelRelease,
          },
        );
        if (options.json) {
          deps.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        } else {
          deps.stdout.write(renderRollbackPlan(result.plan, options.apply === true));
          if (result.historyId !== null) {
            deps.stdout.write(`Outcome: ${result.status} (history entry #${result.historyId})\n`);
          }
        }
        context.raiseExitCode(result.exitCode);
      } finally {
        db.$client.close();
      }
    });
}

function parseCount(text: string, name: string): number {
  if (!/^\d+$/.test(text)) throw usageError(`invalid ${name} "${text}": give a whole number`);
  return Number(text);
}
