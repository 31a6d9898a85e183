import { advisoriesMigration } from "./0001-advisories.ts";
import { scansMigration } from "./0002-scans.ts";
import { historyMigration } from "./0003-history.ts";
import { schedulesMigration } from "./0004-schedules.ts";
import type { Migration } from "./migration.ts";

/**
 * Every schema change, in order. The SQL lives in the code (not in files beside
 * the binary) so that a compiled `cortex` needs nothing else to create its database.
 * A new change gets the next version number and a new file; released ones never change.
 */
export const MIGRATIONS: readonly Migration[] = [
  advisoriesMigration,
  scansMigration,
  historyMigration,
  schedulesMigration,
];
