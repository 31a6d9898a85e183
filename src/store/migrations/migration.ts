/** One schema change, applied once, in order of `version` (stored in SQLite's `user_version`). */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
