import type { Logger } from "../../platform/logger.ts";
import type { RejectedRecord, SkippedEntry } from "./import-report.ts";

/** Warnings logged one by one before the rest are only counted; the report lists them all. */
const MAX_LOGGED_PER_KIND = 20;

/** Logs rejected records and skipped files, the first few one by one and the rest as a count. */
export interface LogLimiter {
  rejected(entry: RejectedRecord): void;
  skipped(entry: SkippedEntry): void;
  /** Logs how many warnings were counted but not shown. */
  summarise(): void;
}

export function createLogLimiter(log: Logger): LogLimiter {
  let rejectedCount = 0;
  let skippedCount = 0;
  return {
    rejected(entry) {
      rejectedCount += 1;
      if (rejectedCount <= MAX_LOGGED_PER_KIND) log.warn(entry.reason);
    },
    skipped(entry) {
      skippedCount += 1;
      if (skippedCount <= MAX_LOGGED_PER_KIND) log.info(`skipped ${entry.source}: ${entry.reason}`);
    },
    summarise() {
      if (rejectedCount > MAX_LOGGED_PER_KIND) {
        log.warn(
          `${rejectedCount - MAX_LOGGED_PER_KIND} more rejected records are not shown here; --json lists them all`,
        );
      }
      if (skippedCount > MAX_LOGGED_PER_KIND) {
        log.info(
          `${skippedCount - MAX_LOGGED_PER_KIND} more skipped files are not shown here; --json lists them all`,
        );
      }
    },
  };
}
