import { resolve } from "node:path";
import { type Command, Option } from "@commander-js/extra-typings";
import { loadCortexConfig } from "../../config/cortex-config.ts";
import { loadPatcherConfig } from "../../patching/patcher-config.ts";
import { runPatch } from "../../patching/run-patch.ts";
import { inputError, usageError } from "../../platform/errors.ts";
import { resolveDataDir } from "../../platform/paths.ts";
import { runScan } from "../../scan/run-scan.ts";
import { storeNewSchedule, validateScheduleRequest } from "../../scheduler/create-schedule.ts";
import {
  formatCounts,
  formatScheduleDetails,
  formatScheduleTable,
} from "../../scheduler/format-schedules.ts";
import { installTimer, removeTimer, SYSTEM_UNIT_DIR } from "../../scheduler/install-timer.ts";
import { describeTiming } from "../../scheduler/on-calendar.ts";
import { runSchedule } from "../../scheduler/run-schedule.ts";
import { FREQUENCIES, SCHEDULE_STRATEGIES, type Schedule } from "../../scheduler/schedule.ts";
import { assertScheduleId, timerUnitName } from "../../scheduler/schedule-id.ts";
import {
  deleteSchedule,
  getSchedule,
  listScheduleRuns,
  setTimerState,
} from "../../scheduler/schedule-store.ts";
import { scheduleStatus, schedulesStatus } from "../../scheduler/schedules-status.ts";
import { decideTimerTarget, isSystemdRunning } from "../../scheduler/timer-target.ts";
import type { CortexDatabase } from "../../store/open-database.ts";
import { pathInputsOf } from "../cli-deps.ts";
import type { CommandContext } from "../command-context.ts";
import { DATA_DIR_HELP } from "../common-options.ts";
import { withDatabase } from "../with-database.ts";

/** Runs listed by `schedule show`. */
const SHOWN_RUNS = 10;

/** Adds `schedule` and its subcommands to `cortex security`. */
export function registerScheduleCommand(security: Command, context: CommandContext): void {
  const schedule = security
    .command("schedule")
    .description("manage scheduled scans and patch runs, started by systemd timers");

  registerCreate(schedule, context);
  registerList(schedule, context);
  registerShow(schedule, context);
  registerRun(schedule, context);
  registerDelete(schedule, context);
  registerInstallTimer(schedule, context);
  registerRemoveTimer(schedule, context);
}

function registerCreate(schedule: Command, context: CommandContext): void {
  schedule
    .command("create")
    .description("create a schedule; install-timer then makes systemd run it")
    .argument("<id>", "schedule id: lower-case letters, digits, '-' and '_', at most 64 characters")
    .addOption(
      new Option("--frequency <frequency>", "how often it runs; sets the default time of day")
        .choices(FREQUENCIES)
        .makeOptionMandatory(),
    )
    .option(
      "--on-calendar <expression>",
      "systemd OnCalendar expression to use instead of the frequency's default time",
    )
    .option("--enable-patch", "apply patches after scanning, not only scan", false)
    .addOption(
      new Option(
        "--strategy <strategy>",
        "patch strategy (with --enable-patch; default critical_only)",
      ).choices(SCHEDULE_STRATEGIES),
    )
    .option("--offline", "use only the local advisory database, never the network", false)
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (id, options) => {
      const { deps, log } = context;
      const dataDir = dataDirOf(options.dataDir, context);
      const request = {
        id,
        frequency: options.frequency,
        onCalendar: options.onCalendar,
        enablePatch: options.enablePatch,
        strategy: options.strategy,
        offline: options.offline,
        dataDir,
      };
      await validateScheduleRequest(request, { runner: deps.runner, log, now: deps.now });

      const created = await withDatabase(context, dataDir, (db) =>
        storeNewSchedule(db, request, deps.now()),
      );
      if (deps.uid !== 0 && dataDir.startsWith(`${deps.homeDir}/`)) {
        log.warn(
          `schedule ${id} is stored in ${dataDir}, in your home directory; its timer's service runs as root and reads it from there, but other administrators will not see it in /var/lib/cortex`,
        );
      }
      deps.stdout.write(
        `Created schedule ${id}: ${describeSchedule(created)}.\n` +
          `Make systemd run it: sudo cortex security schedule install-timer ${id} --data-dir ${quoteForShell(dataDir)}\n`,
      );
    });
}

function registerList(schedule: Command, context: CommandContext): void {
  schedule
    .command("list")
    .description("list schedules with their last and next run")
    .option("--json", "print JSON instead of a table", false)
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (options) => {
      const { deps } = context;
      const statuses = await withDatabase(context, dataDirOf(options.dataDir, context), (db) =>
        schedulesStatus(db, deps.now(), deps.runner),
      );
      deps.stdout.write(
        options.json ? `${JSON.stringify(statuses, null, 2)}\n` : formatScheduleTable(statuses),
      );
    });
}

function registerShow(schedule: Command, context: CommandContext): void {
  schedule
    .command("show")
    .description("show one schedule and its recent runs")
    .argument("<id>", "schedule id")
    .option("--json", "print JSON", false)
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (id, options) => {
      const { deps } = context;
      await withSchedule(context, id, options.dataDir, async (db, found) => {
        const status = await scheduleStatus(db, found, deps.now(), deps.runner);
        const runs = listScheduleRuns(db, id, SHOWN_RUNS);
        deps.stdout.write(
          options.json
            ? `${JSON.stringify({ ...found, ...status, onCalendarIsDefault: found.onCalendar === null, runs }, null, 2)}\n`
            : formatScheduleDetails(found, status, runs),
        );
      });
    });
}

function registerRun(schedule: Command, context: CommandContext): void {
  schedule
    .command("run")
    .description("run a schedule now: scan, and patch when the schedule has patching on")
    .argument("<id>", "schedule id")
    .option("--dry-run", "make the patch plan but do not apply it", false)
    .option(
      "--root <dir>",
      "scan and patch the system installed under DIR instead of this host (images and tests)",
      "/",
    )
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (id, options) => {
      const { deps, log } = context;
      const result = await withSchedule(context, id, options.dataDir, (db, found, dataDir) => {
        const pathInputs = pathInputsOf(deps);
        const config = loadCortexConfig(pathInputs);
        const patcherConfig = loadPatcherConfig(pathInputs);
        return runSchedule(
          { schedule: found, dataDir, root: resolve(options.root), dryRun: options.dryRun },
          { ...deps, db, config, patcherConfig, log, scan: runScan, patch: runPatch },
        );
      });

      const { run } = result;
      const counts = run.counts ? `; findings: ${formatCounts(run.counts)}` : "";
      const history = run.historyId !== null ? `; patch history entry ${run.historyId}` : "";
      deps.stdout.write(`Schedule ${id}: run ${run.id} ${run.outcome}${counts}${history}\n`);
      if (run.outcome === "failed") {
        log.error(`schedule ${id} run ${run.id} failed: ${run.reason ?? "no reason recorded"}`);
      }
      context.raiseExitCode(result.exitCode);
    });
}

function registerDelete(schedule: Command, context: CommandContext): void {
  schedule
    .command("delete")
    .description("delete a schedule and its run records")
    .argument("<id>", "schedule id")
    .option("--force", "also remove its timer when one is installed", false)
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (id, options) => {
      const { log } = context;
      await withSchedule(context, id, options.dataDir, async (db, found) => {
        if (found.timerUnitDir !== null) {
          if (!options.force) {
            throw usageError(
              `schedule ${id} has a timer installed in ${found.timerUnitDir}; run "cortex security schedule remove-timer ${id}" first, or delete with --force to remove it too`,
            );
          }
          await removeScheduleTimer(found, undefined, context);
        }
        deleteSchedule(db, id);
      });
      log.info(`deleted schedule ${id} and its run records`);
    });
}

function registerInstallTimer(schedule: Command, context: CommandContext): void {
  schedule
    .command("install-timer")
    .description("write, verify and enable the systemd timer and service of a schedule")
    .argument("<id>", "schedule id")
    .option(
      "--unit-dir <dir>",
      `write the units here and enable nothing (default ${SYSTEM_UNIT_DIR}, which needs root)`,
    )
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (id, options) => {
      const { deps, log } = context;
      assertScheduleId(id);
      const dataDir = dataDirOf(options.dataDir, context);
      const target = decideTimerTarget(options.unitDir, {
        uid: deps.uid,
        systemdRunning: isSystemdRunning(),
      });
      // The id and the timer target are checked before the database is opened, so that a
      // rejected request creates no data directory.
      await withSchedule(context, id, dataDir, async (db, found) => {
        if (found.dataDir !== dataDir) {
          log.warn(
            `schedule ${id} was created with data directory ${found.dataDir}; its service now uses ${dataDir}, where it was found`,
          );
        }

        const result = await installTimer(
          {
            schedule: found,
            unitDir: target.unitDir,
            selfCommand: deps.selfCommand,
            dataDir,
            enable: target.manageSystemd,
          },
          { runner: deps.runner, log },
        );
        setTimerState(db, id, {
          timerUnitDir: target.unitDir,
          timerEnabled: result.enabled,
          dataDir,
        });

        const verified = result.verified ? "verified" : "not verified";
        deps.stdout.write(`Wrote ${result.timerPath} and ${result.servicePath} (${verified}).\n`);
        if (result.enabled) {
          deps.stdout.write(
            `Enabled and started ${timerUnitName(id)} (${describeTiming(found)}). Check it with: systemctl list-timers ${timerUnitName(id)}\n`,
          );
          return;
        }
        const reason =
          options.unitDir !== undefined
            ? "--unit-dir was given"
            : "systemd is not running on this host";
        const copy =
          target.unitDir === SYSTEM_UNIT_DIR ? "" : `copy both files to ${SYSTEM_UNIT_DIR}, then `;
        deps.stdout.write(
          `Nothing was enabled because ${reason}. To enable the timer on the system that runs it, ${copy}run: systemctl daemon-reload && systemctl enable --now ${timerUnitName(id)}\n`,
        );
      });
    });
}

function registerRemoveTimer(schedule: Command, context: CommandContext): void {
  schedule
    .command("remove-timer")
    .description("disable the timer of a schedule and delete its units")
    .argument("<id>", "schedule id")
    .option(
      "--unit-dir <dir>",
      "delete the units from here without systemctl (default: where install-timer wrote them)",
    )
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (id, options) => {
      const { deps } = context;
      const deleted = await withSchedule(context, id, options.dataDir, async (db, found) => {
        const removed = await removeScheduleTimer(found, options.unitDir, context);
        setTimerState(db, id, { timerUnitDir: null, timerEnabled: false });
        return removed;
      });
      deps.stdout.write(
        deleted.length === 0
          ? `No unit files of schedule ${id} were found; its timer is recorded as removed.\n`
          : `Removed ${deleted.join(" and ")}.\n`,
      );
    });
}

/** Removes the units from `--unit-dir`, else from where install-timer recorded writing them. */
async function removeScheduleTimer(
  schedule: Schedule,
  unitDirOption: string | undefined,
  context: CommandContext,
): Promise<string[]> {
  const { deps } = context;
  const recorded =
    schedule.timerUnitDir !== null && schedule.timerUnitDir !== SYSTEM_UNIT_DIR
      ? schedule.timerUnitDir
      : undefined;
  const target = decideTimerTarget(unitDirOption ?? recorded, {
    uid: deps.uid,
    systemdRunning: isSystemdRunning(),
  });
  return removeTimer(
    { scheduleId: schedule.id, unitDir: target.unitDir, disable: target.manageSystemd },
    { runner: deps.runner },
  );
}

/**
 * Checks `id`, opens the database of the data directory that `--data-dir` (or its default)
 * names, loads the schedule and runs `use` on it. Closes the database afterwards, also when
 * `use` throws.
 */
async function withSchedule<T>(
  context: CommandContext,
  id: string,
  dataDirOption: string | undefined,
  use: (db: CortexDatabase, schedule: Schedule, dataDir: string) => T | Promise<T>,
): Promise<T> {
  assertScheduleId(id);
  const dataDir = dataDirOf(dataDirOption, context);
  return withDatabase(context, dataDir, (db) => use(db, loadSchedule(db, id, dataDir), dataDir));
}

function loadSchedule(db: CortexDatabase, id: string, dataDir: string): Schedule {
  const found = getSchedule(db, id);
  if (found === null) {
    throw inputError(
      `schedule ${id} not found in data directory ${dataDir}; list schedules with "cortex security schedule list --data-dir ${dataDir}", or pass the --data-dir it was created with`,
    );
  }
  return found;
}

/** Resolves the data directory to an absolute path, which schedules store and units pass on. */
function dataDirOf(option: string | undefined, context: CommandContext): string {
  return resolve(resolveDataDir(option, pathInputsOf(context.deps)));
}

function describeSchedule(schedule: Schedule): string {
  const work = schedule.patchEnabled
    ? `scan and patch with strategy ${schedule.strategy}`
    : "scan only";
  const mode = schedule.offline ? ", offline" : "";
  return `${describeTiming(schedule)}, ${work}${mode}`;
}

/** Quotes `word` for a POSIX shell, so that a printed command can be pasted as it is. */
function quoteForShell(word: string): string {
  if (/^[A-Za-z0-9_./,:@+=-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", "'\\''")}'`;
}
