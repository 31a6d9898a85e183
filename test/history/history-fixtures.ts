import type { HistoryEntry, HistoryPackage } from "../../src/history/history-entry.ts";

export function historyPackage(overrides: Partial<HistoryPackage> = {}): HistoryPackage {
  return {
    package: "foo",
    arch: "all",
    sourcePackage: "foo",
    versionBefore: "1.0-1",
    versionPlanned: "1.0-2",
    versionReached: "1.0-2",
    automatic: false,
    savedFile: "/var/lib/cortex/packages/1/archive/foo_1.0-1_all.deb",
    savedBy: "apt-get download",
    ...overrides,
  };
}

export function patchEntry(overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id: 1,
    kind: "patch",
    status: "succeeded",
    root: "/",
    startedAt: new Date("2026-12-01T10:00:00Z"),
    finishedAt: new Date("2026-12-01T10:01:00Z"),
    strategy: "automatic",
    rollbackOf: null,
    rolledBackBy: null,
    plan: null,
    packages: [historyPackage()],
    commands: [],
    messages: [],
    reboot: null,
    ...overrides,
  };
}
