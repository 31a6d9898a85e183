export * from "./advisories.ts";
export * from "./scans.ts";
export * from "./schedules.ts";
