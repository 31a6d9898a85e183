import { join } from "node:path";
import type { Command } from "@commander-js/extra-typings";
import { exportAdvisories } from "../../advisories/export/export-advisories.ts";
import { importAdvisories } from "../../advisories/import/import-advisories.ts";
import { acceptedCount, type ImportReport } from "../../advisories/import/import-report.ts";
import { loadCortexConfig } from "../../config/cortex-config.ts";
import { ExitCode } from "../../platform/exit-codes.ts";
import { DATABASE_FILE_NAME } from "../../platform/paths.ts";
import { pathInputsOf } from "../cli-deps.ts";
import type { CommandContext } from "../command-context.ts";
import { DATA_DIR_HELP } from "../common-options.ts";
import { withDatabase } from "../with-database.ts";
import { collectDbStatus, renderDbStatusText } from "./db-status.ts";
import { registerDbUpdateCommand } from "./db-update.ts";

/** Rejected records named in the text output; `--json` lists every one. */
const MAX_REJECTED_LISTED = 20;

const FORMAT_NAMES: Record<ImportReport["format"], string> = {
  "osv-zip": "OSV zip archive",
  "osv-directory": "directory of OSV records",
  "osv-file": "OSV record file",
  "nvd-json": "NVD CVE API JSON",
};

/** Adds `cortex security db` with its `import`, `status`, `export` and `update` subcommands. */
export function registerDbCommand(security: Command, context: CommandContext): void {
  const db = security
    .command("db")
    .description("import, inspect, export and update the local advisory database");

  db.command("import")
    .description(
      "load advisory data from PATH: an OSV all.zip, a directory of OSV .json records, one OSV record, or NVD CVE API 2.0 JSON (into the NVD cache). Re-importing is safe: a record replaces the stored one only when its `modified` is newer. Invalid records are rejected with a warning; a damaged or unusable input stores nothing and exits 3",
    )
    .argument("<path>", "file or directory to import")
    .option("--json", "print the import report, every rejected record included, as JSON")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (path, options) => {
      await withDatabase(context, options.dataDir, async (database) => {
        const report = await importAdvisories(path, {
          db: database,
          now: context.deps.now,
          log: context.log,
        });
        context.deps.stdout.write(
          options.json ? `${JSON.stringify(report, null, 2)}\n` : renderImportText(report),
        );
        if (acceptedCount(report) === 0) {
          const firstReason = report.rejected[0]?.reason ?? "none recorded";
          context.log.error(
            `no usable records in ${path}: all ${report.rejected.length} were rejected, so nothing was stored. The first reason: ${firstReason}`,
          );
          context.raiseExitCode(ExitCode.unusableInput);
        }
      });
    });

  db.command("status")
    .description(
      "show record counts per ecosystem, the newest `modified`, when the data was last refreshed and how old it is, and the NVD cache size",
    )
    .option("--json", "print one JSON object on stdout")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (options) => {
      const { deps } = context;
      const config = loadCortexConfig(pathInputsOf(deps));
      await withDatabase(context, options.dataDir, async (database, dataDir) => {
        const databasePath = join(dataDir, DATABASE_FILE_NAME);
        const status = collectDbStatus(database, databasePath, deps.now(), config.maxDataAgeDays);
        deps.stdout.write(
          options.json ? `${JSON.stringify(status, null, 2)}\n` : renderDbStatusText(status),
        );
      });
    });

  db.command("export")
    .description(
      "write the stored OSV records to FILE as an OSV all.zip (one <id>.json per record, as imported); FILE is replaced atomically",
    )
    .argument("<file>", "zip file to write")
    .option("--ecosystem <name>", "export only records affecting this ecosystem, e.g. Debian:12")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .action(async (file, options) => {
      await withDatabase(context, options.dataDir, async (database) => {
        const { count } = await exportAdvisories(database, file, { ecosystem: options.ecosystem });
        context.deps.stdout.write(
          `Exported ${count} ${count === 1 ? "record" : "records"} to ${file}\n`,
        );
      });
    });

  registerDbUpdateCommand(db as unknown as Command, context);
}

function renderImportText(report: ImportReport): string {
  const unit = report.format === "nvd-json" ? "CVE ids" : "records";
  const lines = [
    `Imported ${report.path} (${FORMAT_NAMES[report.format]}): ${acceptedCount(report)} ${unit} accepted`,
    `  ${report.imported} new, ${report.updated} updated, ${report.unchanged} unchanged, ` +
      `${report.rejected.length} rejected, ${report.skipped.length} files skipped`,
  ];
  if (report.ecosystems.length > 0) {
    const refreshed = report.format === "osv-file" ? "seen" : "refreshed";
    lines.push(`  ecosystems ${refreshed}: ${report.ecosystems.join(", ")}`);
  }
  for (const rejected of report.rejected.slice(0, MAX_REJECTED_LISTED)) {
    lines.push(`  rejected ${rejected.source}${rejected.id ? ` (${rejected.id})` : ""}`);
  }
  const unlisted = report.rejected.length - MAX_REJECTED_LISTED;
  if (unlisted > 0) {
    lines.push(`  and ${unlisted} more rejected records; --json lists them all`);
  }
  return `${lines.join("\n")}\n`;
}
