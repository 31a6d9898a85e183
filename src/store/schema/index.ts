export * from "./advisories.ts";
export * from "./history.ts";
export * from "./scans.ts";
export * from "./schedules.ts";
