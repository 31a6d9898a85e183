export * from "./advisories.ts";
export * from "./scans.ts";
