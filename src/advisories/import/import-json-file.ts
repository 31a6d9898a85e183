import { inputError } from "../../platform/errors.ts";
import { classifyJson } from "./classify-json.ts";
import type { LogLimiter } from "./import-log-limiter.ts";
import { ACCEPTED_INPUTS, type ImportOptions, type ImportReport } from "./import-report.ts";
import { writeNvdCves } from "./nvd-cve-writer.ts";
import { OsvRecordWriter } from "./osv-record-writer.ts";

/**
 * Imports one JSON file: an OSV record, or NVD CVE API 2.0 JSON into the NVD cache.
 *
 * @throws {CortexError} (unusable input) when `text` is not JSON, is neither kind, or is
 * an NVD document without CVE entries.
 */
export function importJsonFile(
  path: string,
  text: string,
  options: ImportOptions,
  startedAt: Date,
  logLimiter: LogLimiter,
): ImportReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw inputError(
      `${path} is neither a zip archive nor valid JSON (${(error as Error).message}): ${ACCEPTED_INPUTS}`,
      error,
    );
  }

  const kind = classifyJson(value);
  if (kind === "unknown") {
    throw inputError(
      `${path} is JSON but neither an OSV record nor NVD CVE API 2.0 JSON: ${ACCEPTED_INPUTS}`,
    );
  }

  if (kind === "osv-record") {
    const writer = new OsvRecordWriter(options.db, startedAt, logLimiter.rejected);
    writer.addText(path, path, text);
    writer.flush();
    return {
      path,
      format: "osv-file",
      startedAt,
      finishedAt: options.now(),
      imported: writer.imported,
      updated: writer.updated,
      unchanged: writer.unchanged,
      rejected: writer.rejected,
      skipped: [],
      ecosystems: [...writer.newestModifiedByEcosystem.keys()].sort(),
    };
  }

  const counts = writeNvdCves(options.db, value, path, startedAt, logLimiter.rejected);
  if (counts.imported + counts.updated + counts.unchanged + counts.rejected.length === 0) {
    throw inputError(
      `NVD CVE API JSON ${path} contains no CVE entries (an empty result page?): ${ACCEPTED_INPUTS}`,
    );
  }
  return {
    path,
    format: "nvd-json",
    startedAt,
    finishedAt: options.now(),
    imported: counts.imported,
    updated: counts.updated,
    unchanged: counts.unchanged,
    rejected: counts.rejected,
    skipped: [],
    ecosystems: [],
  };
}
